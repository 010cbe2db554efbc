-- Make a group's direct members exactly the people listed in a CSV.
--
--   pclua scripts/sync-group.lua GROUP members.csv [add-only|remove-only] [options]
--
-- GROUP is the group's id or exact name. members.csv has a column user (or email, or user_id; any
-- case, with spaces or dashes: "E-Mail", "User ID") holding emails, user ids or exact full names, mixed. Owners and dynamically included people are
-- not touched. The separator (`,` `;` or tab) is detected.
--
-- options:
--   --max-removals N      let the sync remove up to N members (default: at most half of them)
--   --allow-remove-all    let the sync remove every member (an empty list empties the group)
--   --skip-unknown        sync the others when some rows name unknown, ambiguous, inactive or
--                         deleted people (reported as failed; members among them are kept)
--   --include-inactive    inactive users count as wanted members
--   --delimiter C         the CSV's separator: , ; or tab (default: detected)
--   --dry-run             the same as pclua's --dry-run: print the plan, change nothing
--
-- Before anything is written: every row must name exactly one known, active user (or the run
-- stops, naming the rows), and a plan that removes every member or more than half of them stops
-- with the numbers unless raised above.

local purecloud = require "purecloud"

-- A mistake in the input (the file, a group, people) is one line for the person running the
-- script, in the run's log format (text, or JSON with --log-format json), and exit status 1:
-- nothing was changed.
local function stop(message)
  purecloud.log.error(message)
  os.exit(1)
end

local usage = "usage: pclua scripts/sync-group.lua GROUP members.csv [add-only|remove-only] [--max-removals N] [--allow-remove-all] [--skip-unknown] [--include-inactive] [--delimiter C] [--dry-run]\n"
local function fail_usage(message)
  io.stderr:write("sync-group.lua: " .. message .. "\n" .. usage)
  os.exit(2)
end

local positional, options = {}, {}
local i = 1
while arg[i] do
  local a = arg[i]
  if a == "--max-removals" then
    local n = tonumber(arg[i + 1] or "")
    if not n or n < 0 or n ~= math.floor(n) then fail_usage("--max-removals needs a whole number") end
    options.max_removals = n
    i = i + 1
  elseif a == "--allow-remove-all" then options.allow_remove_all = true
  elseif a == "--skip-unknown" then options.skip_unknown = true
  elseif a == "--include-inactive" then options.include_inactive = true
  elseif a == "--dry-run" then options.dry_run = true
  elseif a == "--delimiter" then
    local d = arg[i + 1]
    if d == "tab" or d == "\\t" then d = "\t" end
    if d ~= "," and d ~= ";" and d ~= "\t" then fail_usage("--delimiter must be , ; or tab") end
    options.delimiter = d
    i = i + 1
  elseif a:sub(1, 1) == "-" and a ~= "-" then fail_usage("unknown option '" .. a .. "'")
  else positional[#positional + 1] = a end
  i = i + 1
end
local group_key, path, mode = positional[1], positional[2], positional[3]
if not group_key or not path then fail_usage("GROUP and members.csv are required") end
if mode and mode ~= "add-only" and mode ~= "remove-only" then fail_usage("unknown mode '" .. mode .. "' (add-only or remove-only)") end
if positional[4] then fail_usage("unexpected argument '" .. positional[4] .. "'") end

local api = purecloud.GroupsApi.new()
local users = purecloud.UsersApi.new()

-- Headers as spreadsheets write them: "User", " From Group", "to-group", "E-Mail", "User ID" name
-- the columns user, from_group, to_group, email, user_id (case, spaces, dashes and underscores aside).
local column_names = { user = "user", userid = "user_id", email = "email", mail = "email",
                       emailaddress = "email", fromgroup = "from_group", togroup = "to_group" }
local function normalized(row)
  local out = {}
  for key, value in pairs(row) do
    local bare = key:lower():gsub("[^%w]", "")
    out[column_names[bare] or bare] = value
  end
  return out
end

local wanted, lines = {}, {}
local column
for row, line in purecloud.csv.rows(path, { delimiter = options.delimiter }) do
  row = normalized(row)
  if not column then
    for _, name in ipairs { "user", "user_id", "email" } do
      if row[name] ~= nil then column = name; break end
    end
    if not column then stop(path .. ": the header needs a user (or email, or user_id) column") end
  end
  local value = row[column]:match("^%s*(.-)%s*$")
  if value == "" then stop(path .. ":" .. line .. ": " .. column .. " is empty") end
  wanted[#wanted + 1] = value
  lines[value] = lines[value] or line
end

local ok, group = pcall(api.get_group, api, group_key:lower())  -- an id, in any case (names are searched below)
if not ok then
  if not (purecloud.ApiError.is(group) and group.status == 404) then error(group, 0) end
  local found = api:post_groups_search{ query = { { type = "EXACT", fields = { "name" }, value = group_key } } }
  if found.total ~= 1 then stop("unknown group '" .. group_key .. "'") end
  group = found.results[1]
end

-- Everyone named, resolved before any write; the rows that cannot be used are named by line.
local found = users:resolve(wanted, { include_inactive = options.include_inactive })
local bad = {}
local function note(input, reason) bad[#bad + 1] = { line = lines[input] or 0, text = input .. ": " .. reason } end
for _, input in ipairs(found.not_found) do note(input, "no such user") end
for input, ids in pairs(found.ambiguous) do note(input, #ids .. " users have this name or email (" .. table.concat(ids, ", ") .. ")") end
for _, input in ipairs(found.not_indexed) do note(input, "found by id but not yet by search (the user changed minutes ago); try again later or give the id") end
for _, input in ipairs(found.deleted) do note(input, "deleted user") end
for _, input in ipairs(found.inactive) do if not found.ids[input] then note(input, "inactive user (--include-inactive keeps them wanted)") end end
if #bad > 0 then
  table.sort(bad, function(a, b) return a.line < b.line end)
  local text = {}
  for n, b in ipairs(bad) do
    if n > 50 then text[#text + 1] = "  ... and " .. (#bad - 50) .. " more"; break end
    text[#text + 1] = "  " .. path .. ":" .. b.line .. ": " .. b.text
  end
  local message = #bad .. " row" .. (#bad == 1 and "" or "s") .. " name people that cannot be used:\n" .. table.concat(text, "\n")
  if not options.skip_unknown then
    stop(message .. "\nnothing was changed; correct the file, or pass --skip-unknown to sync the others")
  end
  purecloud.log.warn(message .. "\nthese rows are skipped (--skip-unknown)")
end

-- The helper gets the ids of everyone matched (inactive and deleted ones too, so that a member the
-- file lists is never removed for being inactive); it reports the ones it cannot use.
local ids, seen, unmatched = {}, {}, 0
for _, value in ipairs(wanted) do
  local id = found.matched[value]
  if id and not seen[id] then ids[#ids + 1] = id; seen[id] = true end
  if not id and not seen[value] then unmatched = unmatched + 1; seen[value] = true end
end

local report = api:sync_members(group, ids, {
  add_only = mode == "add-only", remove_only = mode == "remove-only", dry_run = options.dry_run,
  max_removals = options.max_removals, allow_remove_all = options.allow_remove_all,
  skip_unknown = options.skip_unknown, include_inactive = options.include_inactive,
})
-- Failures with the same cause are one line with a count and a few names, not one line each.
local causes, order = {}, {}
for _, failure in ipairs(report.failed) do
  if not causes[failure.error] then causes[failure.error] = {}; order[#order + 1] = failure.error end
  table.insert(causes[failure.error], failure.input)
end
for _, reason in ipairs(order) do
  local named = causes[reason]
  purecloud.log.error("could not change the membership of " .. #named .. " user" .. (#named == 1 and "" or "s"), {
    group = group.name, error = reason,
    users = table.concat(named, ", ", 1, math.min(#named, 5)) .. (#named > 5 and (" and " .. (#named - 5) .. " more") or ""),
  })
end
local dry = report.dry_run
print(string.format("%s%s: %d rows: %d %s, %d %s, %d unchanged, %d failed, %d requests",
  group.name, dry and " (dry run, nothing was changed)" or "", #wanted,
  report.added, dry and "to add" or "added", report.removed, dry and "to remove" or "removed",
  report.unchanged, #report.failed + unmatched, report.requests + found.requests))
if #report.failed + unmatched > 0 then os.exit(4) end
