/// A host function declared as data: the name Lua's messages call it by, and its body. A module
/// lists its functions as specs and `LuaCall.setFunctions` installs them in a loop, instead of a
/// push and a setField for each.
public struct HostFunctionSpec {
    public let name: String
    public let body: HostFunction

    public init(_ name: String, _ body: @escaping HostFunction) {
        self.name = name
        self.body = body
    }
}

extension LuaCall {
    /// t[spec.name] = the function, for each spec in order, into the table at `table` (raw).
    public func setFunctions(_ specs: [HostFunctionSpec], in table: Int32) {
        let t = absolute(table)
        for spec in specs {
            push(function: spec.name, spec.body)
            setField(t, spec.name)
        }
    }
}
