-- Make a group's direct members exactly the users listed in a CSV (column user_id).
--
--   pclua scripts/sync-group.lua GROUP members.csv [add-only|remove-only]   (add --dry-run for the plan)
--
-- GROUP is the group's id or exact name. Owners and dynamically included people are not touched.

local purecloud = require "purecloud"

local group_key, path, mode = arg[1], arg[2], arg[3]
if not group_key or not path or (mode and mode ~= "add-only" and mode ~= "remove-only") then
  io.stderr:write("usage: pclua scripts/sync-group.lua GROUP members.csv [add-only|remove-only]\n")
  os.exit(2)
end

local api = purecloud.GroupsApi.new()

local desired = {}
for row, line in purecloud.csv.rows(path) do
  local id = row.user_id
  if id == nil then error(path .. ": the header needs a user_id column", 0) end
  id = id:match("^%s*(.-)%s*$")
  if id == "" then error(path .. ":" .. line .. ": user_id is empty", 0) end
  desired[#desired + 1] = id
end

local ok, group = pcall(api.get_group, api, group_key)
if not ok then
  local found = api:post_groups_search{ query = { { type = "EXACT", fields = { "name" }, value = group_key } } }
  if found.total ~= 1 then error("unknown group '" .. group_key .. "'", 0) end
  group = found.results[1]
end

local report = api:sync_members(group, desired, { add_only = mode == "add-only", remove_only = mode == "remove-only" })
for _, failure in ipairs(report.failed) do
  purecloud.log.error("could not change membership", { user_id = failure.id, error = failure.error })
end
print(string.format("%s: %d added, %d removed, %d unchanged, %d failed, %d requests%s",
  group.name, report.added, report.removed, report.unchanged, #report.failed, report.requests,
  report.dry_run and " (dry run: nothing was changed)" or ""))
