-- Write the direct members of every group (or of one) to a CSV: group, group_id, user_id, name,
-- email, state. The file opens in Excel with its accents intact (UTF-8 with a byte-order mark)
-- and can be fed back to scripts/sync-group.lua (its user_id column).
--
--   pclua scripts/export-members.lua members.csv [GROUP] [--delimiter C] [--no-bom]
--
-- GROUP is a group's id or its name (case and surrounding spaces aside; an unknown name gets the
-- org's closest names); without it, every group is exported.

local purecloud = require "purecloud"

-- A mistake in the input (the file, a group, people) is one line for the person running the
-- script, in the run's log format (text, or JSON with --log-format json), and exit status 1:
-- nothing was changed.
local log = purecloud.log
local function stop(message)
  log.error(message)
  os.exit(1)
end

local usage = "usage: pclua scripts/export-members.lua members.csv [GROUP] [--delimiter C] [--no-bom]"
local function fail_usage(message)
  if log.format == "json" then
    log.error("export-members.lua: " .. message, { usage = usage })
  else
    io.stderr:write("export-members.lua: " .. message .. "\n" .. usage .. "\n")
  end
  os.exit(2)
end

local positional, delimiter, bom = {}, ",", true
local i = 1
while arg[i] do
  local a = arg[i]
  if a == "--delimiter" then
    delimiter = arg[i + 1]
    if delimiter == "tab" or delimiter == "\\t" then delimiter = "\t" end
    if delimiter ~= "," and delimiter ~= ";" and delimiter ~= "\t" then fail_usage("--delimiter must be , ; or tab") end
    i = i + 1
  elseif a == "--no-bom" then bom = false
  elseif a:sub(1, 1) == "-" then fail_usage("unknown option '" .. a .. "'")
  else positional[#positional + 1] = a end
  i = i + 1
end
local path, group_key = positional[1], positional[2]
if not path then fail_usage("no output file given") end
if positional[3] then fail_usage("unexpected argument '" .. positional[3] .. "'") end

local api = purecloud.GroupsApi.new()

local groups = {}
if group_key then
  local group
  if group_key:match("^%w+%-%w+%-%w+%-%w+%-%w+$") then  -- an id, in any case
    local ok, found = pcall(api.get_group, api, group_key:lower())
    if ok then group = found
    elseif purecloud.ApiError.is(found) and found.status == 404 then stop("unknown group '" .. group_key .. "': no group has this id")
    else error(found, 0) end
  else
    local found, _, suggestions = api:find_group(group_key)
    if not found then
      stop("unknown group '" .. group_key .. "': no group has this name"
        .. (#suggestions > 0 and "; did you mean '" .. table.concat(suggestions, "' or '") .. "'?" or ""))
    end
    group = found
  end
  groups[1] = group
else
  for group in api:each_group{ sort_order = "ascending" } do groups[#groups + 1] = group end
end

local rows = {}
for _, group in ipairs(groups) do
  local listing = api:get_group_individuals(group.id)
  for _, user in ipairs(listing.entities or {}) do
    rows[#rows + 1] = { group = group.name, group_id = group.id, user_id = user.id, name = user.name, email = user.email, state = user.state }
  end
end
purecloud.csv.write(path, rows, { "group", "group_id", "user_id", "name", "email", "state" }, { delimiter = delimiter, bom = bom })
print(string.format("%d memberships of %d group%s written to %s", #rows, #groups, #groups == 1 and "" or "s", path))
