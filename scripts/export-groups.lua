-- Write every group with its member count to a CSV.
--
--   pclua scripts/export-groups.lua groups.csv

local purecloud = require "purecloud"

local path = arg[1]
if not path then
  io.stderr:write("usage: pclua scripts/export-groups.lua groups.csv\n")
  os.exit(2)
end

local api = purecloud.GroupsApi.new()
local rows = {}
for group in api:each_group{ sort_order = "ascending" } do
  rows[#rows + 1] = {
    id = group.id, name = group.name, type = group.type, visibility = group.visibility,
    state = group.state, member_count = group.memberCount, date_modified = group.dateModified,
  }
end
purecloud.csv.write(path, rows, { "id", "name", "type", "visibility", "state", "member_count", "date_modified" })
print(string.format("%d groups written to %s", #rows, path))
