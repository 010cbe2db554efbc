import LuaKit

/// Names under which the module keeps its shared Lua values in the state, and their identities
/// (pointers) for fast comparisons while converting. The pointers are identities only, never
/// dereferenced; `@unchecked Sendable` because `LuaApiError` (an Error, so Sendable) carries them.
struct ModuleAnchors: @unchecked Sendable {
    static let null = "purecloud.null"
    static let arrayMT = "purecloud.array_mt"
    static let apiMT = "purecloud.GroupsApi"
    static let errorMT = "purecloud.ApiError"

    var nullIdentity: UnsafeRawPointer?
    var arrayMTIdentity: UnsafeRawPointer?
    var apiMTIdentity: UnsafeRawPointer?
    var errorMTIdentity: UnsafeRawPointer?
}
