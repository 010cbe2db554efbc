import Foundation
@testable import PureCloud
import XCTest

/// The typed functions the Swift jobs call operations through (Sources/PureCloud/OperationCalls.swift)
/// are generated from the operation table, as the official SDKs are: this test holds the
/// generator and fails when the file and the table disagree. After changing the table:
/// `PCLUA_GENERATE=1 swift test --skip-build --filter OperationCallsTests` rewrites the file.
final class OperationCallsTests: XCTestCase {
    static let generatedFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/PureCloud/OperationCalls.swift").standardized

    func testTheTypedFunctionsAreTheOperationTable() throws {
        let expected = OperationCallSource.render()
        if ProcessInfo.processInfo.environment["PCLUA_GENERATE"] == "1" {
            try expected.write(to: Self.generatedFile, atomically: true, encoding: .utf8)
        }
        let actual = try String(contentsOf: Self.generatedFile, encoding: .utf8)
        XCTAssertEqual(actual, expected, "OperationCalls.swift differs from the operation table; regenerate it (PCLUA_GENERATE=1)")
    }

    func testATypedCallBuildsTheSameRequestAsTheTableByName() throws {
        let typed = OperationCall.getUsers(pageSize: 100, id: ["a", "b"], state: "any")
        XCTAssertEqual(typed.operation, "get_users")
        let request = try RequestBuilder.build(OperationTable.operation("get_users")!, arguments: typed.arguments)
        XCTAssertEqual(request.target, "/api/v2/users?pageSize=100&id=a,b&state=any")
        let remove = try RequestBuilder.build(OperationTable.operation("delete_group_members")!,
                                              arguments: OperationCall.deleteGroupMembers(groupId: "g", ids: ["u1", "u2"]).arguments)
        XCTAssertEqual(remove.queryValues["ids"], "u1,u2", "an array is sent as the comma-separated list the API reads")
    }

    func testEveryOperationSaysWhetherItWritesAndHowItMayBeRetried() {
        let writes = OperationTable.apis.flatMap(\.operations).filter(\.isWrite).map(\.name).sorted()
        XCTAssertEqual(writes, ["delete_group", "delete_group_members", "post_group_members", "post_groups", "put_group"])
        XCTAssertEqual(OperationTable.operation("post_groups")?.retrySafety, .onlyIfNotProcessed, "a create is not idempotent")
        XCTAssertEqual(OperationTable.operation("post_groups_search")?.isWrite, false, "a POST that reads")
        XCTAssertEqual(OperationTable.operation("put_group")?.retrySafety, .repeatable, "conditional on its version")
    }
}

/// Writes OperationCalls.swift from the table.
enum OperationCallSource {
    static func render() -> String {
        var text = """
            // Generated from the operation table (OperationTable.swift, *Operations.swift) by
            // Tests/PureCloudTests/OperationCallsTests.swift; do not edit. After changing the table:
            // PCLUA_GENERATE=1 swift test --skip-build --filter OperationCallsTests

            /// One typed function per operation of the table, as the official SDKs are generated: the
            /// jobs name operations and their arguments through these, so a misspelt operation or
            /// argument is a compile error, and OperationCallsTests fails when they and the table disagree.
            extension OperationCall {

            """
        for api in OperationTable.apis {
            text += "    // MARK: \(api.name)\n\n"
            for operation in api.operations { text += function(operation) + "\n" }
        }
        text.removeLast()
        return text + "}\n"
    }

    struct Argument {
        let key: String
        let label: String
        let type: String
        let required: Bool
    }

    static func arguments(_ operation: PureCloud.Operation) -> [Argument] {
        var all = operation.parameters.map { parameter -> Argument in
            let type = switch parameter.kind {
            case .string: "String"
            case .integer: "Int"
            case .boolean: "Bool"
            case .stringList, .commaSeparated: "[String]"
            }
            return Argument(key: parameter.name, label: camel(parameter.name), type: type, required: parameter.required)
        }
        if let body = operation.body {
            all.append(Argument(key: body.name, label: camel(body.name), type: "JSONValue", required: body.required))
        }
        return all.filter(\.required) + all.filter { !$0.required }
    }

    static func function(_ operation: PureCloud.Operation) -> String {
        let arguments = arguments(operation)
        let signature = arguments.map { $0.required ? "\($0.label): \($0.type)" : "\($0.label): \($0.type)? = nil" }.joined(separator: ", ")
        var text = "    /// \(operation.summary): \(operation.method.rawValue) \(operation.path)\n"
        text += "    public static func \(camel(operation.name))(\(signature)) -> OperationCall {\n"
        let dictionary = arguments.isEmpty ? "[:]" : "[" + arguments.map { "\"\($0.key)\": .given(\($0.label))" }.joined(separator: ", ") + "]"
        text += "        OperationCall(\"\(operation.name)\", given: \(dictionary))\n"
        return text + "    }\n"
    }

    /// `get_group_individuals` -> `getGroupIndividuals`.
    static func camel(_ name: String) -> String {
        let words = name.split(separator: "_")
        return words.enumerated().map { $0.offset == 0 ? String($0.element) : $0.element.prefix(1).uppercased() + $0.element.dropFirst() }.joined()
    }
}
