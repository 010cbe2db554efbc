import Foundation
import LuaKit
import PureCloud
@testable import PureCloudLua
import XCTest

/// The declared surface (ModuleSurface) against the module a script really gets: every function and
/// value is declared, every declared one exists, and the options a helper accepts are the ones
/// declared (help, completion and `pclua definitions` print the declared ones).
final class ModuleSurfaceTests: ModuleTestCase {
    /// Lines printed by a chunk (through a global `out` table, read back as one string).
    private func lines(_ code: String) throws -> [String] {
        let state = try makeState()
        try lua("out = {}\n" + code, in: state)
        try lua("result = table.concat(out, '\\n')", in: state)
        state.pushGlobal("result")
        defer { state.main.pop() }
        return (state.main.string(at: -1) ?? "").split(separator: "\n").map(String.init)
    }

    func testEveryMethodOfEveryApiIsAnOperationAnIteratorOrADeclaredHelper() throws {
        for api in OperationTable.apis where api.name == GroupsAPI.definition.name || api.name == UsersAPI.definition.name {
            let live = Set(try lines("""
                for name, value in pairs(purecloud.\(api.name).metatable.__index) do
                  if type(value) == "function" and not name:match("^_") then out[#out + 1] = name end
                end
                """))
            let generated = Set(api.operations.map(\.name) + api.operations.compactMap(\.iterator))
            let declared = Set(ModuleSurface.helpers(of: api.name).map(\.name))
            XCTAssertEqual(live.subtracting(generated), declared, "\(api.name): live helpers vs ModuleSurface")
            XCTAssertTrue(generated.isSubset(of: live), "\(api.name): every operation and iterator is a method")
        }
    }

    func testEveryValueOfTheModuleIsDeclaredAndEveryDeclaredValueExists() throws {
        let live = Set(try lines("""
            for k, v in pairs(purecloud) do
              out[#out + 1] = "purecloud." .. k
              if type(v) == "table" and getmetatable(v) == nil and k ~= "operations" then
                for k2 in pairs(v) do
                  if not k2:match("^__") then out[#out + 1] = "purecloud." .. k .. "." .. k2 end  -- metamethods aside
                end
              end
            end
            """))
        let generated = Set(OperationTable.apis.flatMap { ["purecloud.\($0.name)", "purecloud.\($0.name).new", "purecloud.\($0.name).metatable"] }
            + Models.requestModels.flatMap { ["purecloud.\($0)", "purecloud.\($0).new", "purecloud.\($0).name"] })
        let declared = Set(ModuleSurface.module.map(\.path))
        XCTAssertEqual(live.subtracting(generated), declared)
    }

    /// The options each helper accepts, as its "unknown option" error lists them, are the declared ones.
    func testEveryHelperAcceptsExactlyTheDeclaredOptions() throws {
        let calls: [(SurfaceEntry?, String)] = [
            (ModuleSurface.helper("add_members"), "api:add_members('x', {}, { bogus = 1 })"),
            (ModuleSurface.helper("remove_members"), "api:remove_members('x', {}, { bogus = 1 })"),
            (ModuleSurface.helper("sync_members"), "api:sync_members('x', {}, { bogus = 1 })"),
            (ModuleSurface.helper("apply_memberships"), "api:apply_memberships({}, { bogus = 1 })"),
            (ModuleSurface.helper("resolve"), "purecloud.UsersApi.new():resolve({ 'a' }, { bogus = 1 })"),
            (ModuleSurface.value("purecloud.configure"), "purecloud.configure{ bogus = 1 }"),
            (ModuleSurface.value("purecloud.csv.write"), "purecloud.csv.write(os.tmpname(), {}, { 'a' }, { bogus = 1 })"),
        ]
        for (entry, code) in calls {
            let entry = try XCTUnwrap(entry, code)
            let message = try luaError("local api = purecloud.GroupsApi.new()\n" + code)
            let listed = try XCTUnwrap(message.range(of: "(options: ").map { message[$0.upperBound...].prefix { $0 != ")" } }, message)
            XCTAssertEqual(listed.components(separatedBy: ", "), entry.optionNames, code)
        }
        // *Api.new takes the per-connection settings of configure (not the session's own, such as progress).
        let message = try luaError("purecloud.GroupsApi.new{ bogus = 1 }")
        XCTAssertTrue(message.hasSuffix("(options: " + ModuleSurface.configureOptions.map(\.name).filter { ConnectionOptions.keys.contains($0) }.joined(separator: ", ") + ")"), message)
    }

    /// The arguments the binder checks (each spec's declared parameters) are the ones help and the
    /// editor's definitions describe: the same names in the same order, then "options" where the
    /// entry declares options, and the same ones optional (where the kind can say it: any value
    /// and values the body checks itself aside).
    func testTheCheckedArgumentsAreTheDescribedOnes() throws {
        let session = PurecloudSession(settings: SessionSettings(), log: EventLog(level: .warn, format: .text) { _ in })
        let module = PurecloudModule.functions(session) + [PurecloudModule.jsonEncode(session)] + UtilityModules.csvFunctions
            + UtilityModules.logFunctions(session) + TaskFunctions.functions(session.tasks)
        let helpers = MembershipHelpers.functions(session) + GroupLookupHelper.functions(session) + ResolutionHelpers.functions(session)
        let pairs = module.map { ($0, ModuleSurface.value("purecloud." + $0.name)) } + helpers.map { ($0, ModuleSurface.helper($0.name)) }
        XCTAssertEqual(pairs.count, 18)
        for (spec, entry) in pairs {
            let entry = try XCTUnwrap(entry, "\(spec.name) is not described in ModuleSurface")
            let declared = try XCTUnwrap(spec.parameters, spec.name)
            let arguments = (entry.arguments ?? []).filter { $0.name != "..." }
            XCTAssertEqual(declared.map(\.name), arguments.map(\.name) + (entry.options.isEmpty ? [] : ["options"]), spec.name)
            for (parameter, argument) in zip(declared, arguments) {
                switch parameter.kind {
                case .any, .unchecked: continue
                default: XCTAssertEqual(parameter.isOptional, argument.optional, "\(spec.name): \(argument.name)")
                }
            }
        }
    }

    /// The definitions file names every operation, iterator, model, helper, module value and setting.
    func testTheEditorDefinitionsListTheWholeSurface() throws {
        let text = EditorDefinitions.languageServer(version: "test")
        XCTAssertTrue(text.hasPrefix("---@meta"))
        for api in OperationTable.apis {
            for op in api.operations { XCTAssertTrue(text.contains("function purecloud.\(api.name):\(op.name)("), op.name) }
            for iterator in api.operations.compactMap(\.iterator) { XCTAssertTrue(text.contains("function purecloud.\(api.name):\(iterator)("), iterator) }
            for helper in ModuleSurface.helpers(of: api.name) { XCTAssertTrue(text.contains("function purecloud.\(api.name):\(helper.name)("), helper.name) }
        }
        for model in Models.all.keys { XCTAssertTrue(text.contains("---@class purecloud.\(model)\n"), model) }
        for entry in ModuleSurface.module { XCTAssertTrue(text.contains(entry.path), entry.path) }
        for option in ModuleSurface.configureOptions { XCTAssertTrue(text.contains("---@field \(option.name)? "), option.name) }
        let luacheck = EditorDefinitions.luacheck(version: "test")
        XCTAssertTrue(luacheck.contains("std = \"lua54+pclua\""))
        for api in OperationTable.apis { XCTAssertTrue(luacheck.contains("\(api.name) = { fields"), api.name) }
    }
}
