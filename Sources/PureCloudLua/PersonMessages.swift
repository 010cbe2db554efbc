import LuaKit
import PureCloud

// The client's errors that speak to the person running the script (what to fix in a file, a
// flag, a plan), shown by the host as one line without a traceback.
extension ConfigurationError: LuaPersonMessage {}
extension ValidationError: LuaPersonMessage {}
extension MembershipRefusal: LuaPersonMessage {}
extension OrgDataError: LuaPersonMessage {}
extension CSVTable.Problem: LuaPersonMessage {}
