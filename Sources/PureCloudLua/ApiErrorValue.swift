import LuaKit
import PureCloud

/// An `APIError` as the Lua value scripts catch with `pcall`: a table with `status`, `code`,
/// `message`, `operation`, `correlation_id`, `retry_after`, `attempts` and the decoded `body`,
/// whose metatable is `purecloud.ApiError` (so `tostring(err)` is one line).
struct LuaApiError: LuaRaisable {
    let error: APIError
    let anchors: ModuleAnchors
    /// A bulk helper's report of what it did before it stopped (`err.report`).
    var report: JSONValue? = nil

    func pushLuaValue(_ call: LuaCall) {
        call.balanced(1) {
            LuaApiError.push(error, call, anchors)
            if let report {
                LuaJSON(call, anchors: anchors).push(report)
                call.setField(-2, "report")
            }
        }
    }

    static func push(_ error: APIError, _ call: LuaCall, _ anchors: ModuleAnchors) {
        call.newTable(recordCapacity: 9)
        call.push(error.status); call.setField(-2, "status")
        call.push(error.code); call.setField(-2, "code")
        call.push(error.message); call.setField(-2, "message")
        call.push(error.operation); call.setField(-2, "operation")
        call.push(error.attempts); call.setField(-2, "attempts")
        if let id = error.correlationId { call.push(id); call.setField(-2, "correlation_id") }
        if let after = error.retryAfter { call.push(after); call.setField(-2, "retry_after") }
        if let body = error.body {
            LuaJSON(call, anchors: anchors).push(body)
            call.setField(-2, "body")
        }
        call.push(anchor: ModuleAnchors.errorMT)
        call.setMetatable(-2)
    }

    /// `__tostring`: rebuilt from the fields, so a script that adjusts `message` sees it printed.
    static func describe(_ call: LuaCall) -> String {
        func field(_ key: String) -> String? {
            call.getField(1, key)
            defer { call.pop() }
            switch call.type(at: -1) {
            case .string: return call.string(at: -1)
            case .number: return call.integer(at: -1).map(String.init)
            default: return nil
            }
        }
        guard call.type(at: 1) == .table else { return "purecloud.ApiError" }
        let error = APIError(
            status: Int(field("status") ?? "0") ?? 0, code: field("code") ?? "error", message: field("message") ?? "",
            operation: field("operation") ?? "call", correlationId: field("correlation_id"), attempts: Int(field("attempts") ?? "1") ?? 1)
        return error.description
    }
}
