import LuaKit
import PureCloud

/// `purecloud.<Model>.new{...}`: checks the given fields against the model (names, types, enum
/// values) and returns the same table, marked with the model's name, so mistakes surface where the
/// body is written. Required fields are checked when it is sent, so the SDKs' pattern of an empty
/// model filled in field by field translates line by line.
enum ModelConstructor {
    static func new(_ model: String, _ call: LuaCall, session: PurecloudSession) throws -> Int32 {
        let function = "\(model).new"
        if call.type(at: 1) == .none || call.type(at: 1) == .nil {
            call.settop(0)
            call.newTable()  // an empty model; its required fields are reported below
        }
        guard call.type(at: 1) == .table else {
            throw LuaArgumentError(position: 1, function: function, message: "table expected, got \(call.typeName(at: 1))")
        }
        let value = try LuaJSON(call, anchors: session.anchors).value(at: 1, path: model)
        _ = try Validator.validate(value, model: model, requireAll: false)
        if !call.getMetatable(1) {
            call.newTable()
            call.push("purecloud.\(model)")
            call.setField(-2, "__name")
            call.setMetatable(1)
        } else {
            call.pop()
        }
        call.settop(1)
        return 1
    }
}
