import LuaKit
import PureCloud

/// Names under which the module keeps its shared Lua values in the state, and their identities
/// (pointers) for fast comparisons while converting. The pointers are identities only, never
/// dereferenced; `@unchecked Sendable` because `LuaApiError` (an Error, so Sendable) carries them.
struct ModuleAnchors: @unchecked Sendable {
    static let null = "purecloud.null"
    static let arrayMT = "purecloud.array_mt"
    /// The metatable of one API's objects: `purecloud.GroupsApi`, `purecloud.UsersApi`.
    static func apiMT(_ api: APIDefinition) -> String { "purecloud.\(api.name)" }
    static let errorMT = "purecloud.ApiError"

    var nullIdentity: UnsafeRawPointer?
    var arrayMTIdentity: UnsafeRawPointer?
    /// API name -> identity of its objects' metatable.
    var apiIdentities: [String: UnsafeRawPointer] = [:]
    var errorMTIdentity: UnsafeRawPointer?
}
