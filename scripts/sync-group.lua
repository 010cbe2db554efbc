-- Make a group's direct members exactly the people listed in a CSV.
--
--   pclua scripts/sync-group.lua GROUP members.csv [add-only|remove-only] [options]
--
-- GROUP is the group's id or its name (case and surrounding spaces aside; an unknown name gets the
-- org's closest names). members.csv has a column user (or email, or user_id; any case, with spaces
-- or dashes: "E-Mail", "User ID") holding emails, user ids or exact full names, mixed. Owners and
-- dynamically included people are not touched. The separator (`,` `;` or tab) is detected; a
-- byte-order mark, Windows line ends, empty columns without a header and blank rows are fine.
-- A person listed twice counts once (the lines are named).
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
local log = purecloud.log
local function stop(message)
  log.error(message)
  os.exit(1)
end

local usage = "usage: pclua scripts/sync-group.lua GROUP members.csv [add-only|remove-only] [--max-removals N]"
  .. " [--allow-remove-all] [--skip-unknown] [--include-inactive] [--delimiter C] [--dry-run]"
local function fail_usage(message)
  if log.format == "json" then
    log.error("sync-group.lua: " .. message, { usage = usage })
  else
    io.stderr:write("sync-group.lua: " .. message .. "\n" .. usage .. "\n")
  end
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

local function plural(n, word, words) return n .. " " .. (n == 1 and word or (words or word .. "s")) end

-- "line 4", "lines 2 and 9", "lines 2, 3, 5, 8, 13 and 4 more": where a value stands in the file.
local function lines_text(lines)
  if #lines == 1 then return "line " .. lines[1] end
  local shown = {}
  for n = 1, math.min(#lines, 5) do shown[n] = tostring(lines[n]) end
  local rest = #lines > 5 and (#lines - 5) .. " more" or table.remove(shown)
  return "lines " .. table.concat(shown, ", ") .. " and " .. rest
end

-- The group, by id (in any case) or by name, with the org's closest names when there is none.
local group
if group_key:match("^%w+%-%w+%-%w+%-%w+%-%w+$") then
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

-- Headers as spreadsheets write them: "User", "E-Mail", "User ID" name the columns user, email,
-- user_id (case, spaces, dashes and underscores aside).
local column_names = { user = "user", userid = "user_id", email = "email", mail = "email", emailaddress = "email" }
local function column(name) local bare = name:lower():gsub("[^%w]", ""); return column_names[bare] or bare end

local records, header, info = purecloud.csv.read(path, { delimiter = options.delimiter })
local given = {}
for _, name in ipairs(header) do given[column(name)] = name end
local key = given.user or given.user_id or given.email
if not key then stop(path .. ": the header needs a user (or email, or user_id) column; line 1 has " .. table.concat(header, ", ")) end
local wanted, lines, entries, empty = {}, {}, {}, {}
for n, record in ipairs(records) do
  local value = record[key]:match("^%s*(.-)%s*$")
  local line = info.lines[n]
  if value == "" then empty[#empty + 1] = line
  else
    entries[#entries + 1] = { value = value, line = line }
    if not lines[value] then wanted[#wanted + 1] = value; lines[value] = line end
  end
end
if #empty > 0 then stop(path .. ": " .. key .. " is empty on " .. lines_text(empty) .. "; nothing was changed") end

-- Everyone named, resolved before any write; the rows that cannot be used are named by line.
local found = users:resolve(wanted, { include_inactive = options.include_inactive })
local bad = {}
local function note(input, reason) bad[#bad + 1] = { line = lines[input], text = input .. ": " .. reason } end
for _, input in ipairs(found.not_found) do note(input, "no such user") end
for input, ids in pairs(found.ambiguous) do note(input, #ids .. " users have this name or email (" .. table.concat(ids, ", ") .. ")") end
for _, input in ipairs(found.not_indexed) do note(input, "found by id but not yet by search (the user changed minutes ago); try again later or give the id") end
for _, input in ipairs(found.deleted) do note(input, "deleted user") end
for _, input in ipairs(found.inactive) do if not found.ids[input] then note(input, "inactive user (--include-inactive keeps them wanted)") end end
table.sort(bad, function(a, b) return a.line < b.line end)
local bad_text = {}
for n, b in ipairs(bad) do
  if n > 50 then bad_text[#bad_text + 1] = "  ... and " .. (#bad - 50) .. " more"; break end
  bad_text[#bad_text + 1] = "  " .. path .. ":" .. b.line .. ": " .. b.text
end
if #bad > 0 then
  local message = plural(#bad, "row") .. (#bad == 1 and " names" or " name") .. " people that cannot be used:\n" .. table.concat(bad_text, "\n")
  if not options.skip_unknown then
    stop(message .. "\nnothing was changed; correct the file, or pass --skip-unknown to sync the others")
  end
  log.warn(message .. "\nthese rows are skipped (--skip-unknown)")
end

-- The helper gets the ids of everyone matched (inactive and deleted ones too, so that a member the
-- file lists is never removed for being inactive); it reports the ones it cannot use. A person on
-- several rows (by email on one, by id on another) is one member: said once, with the lines.
local ids, unmatched, repeated = {}, 0, 0
local person_lines, persons = {}, {}
for _, entry in ipairs(entries) do
  local person = found.matched[entry.value] or entry.value:lower()
  if not person_lines[person] then
    person_lines[person] = {}
    persons[#persons + 1] = { id = person, value = entry.value }
  end
  table.insert(person_lines[person], entry.line)
end
for _, person in ipairs(persons) do
  if found.matched[person.value] then ids[#ids + 1] = person.id else unmatched = unmatched + 1 end
  local where = person_lines[person.id]
  if #where > 1 then
    repeated = repeated + #where - 1
    log.warn(string.format("%s: %s name the same person (%s): counted once", path, lines_text(where), person.value))
  end
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
local failed_text = {}
for _, reason in ipairs(order) do
  local named = causes[reason]
  local shown = table.concat(named, ", ", 1, math.min(#named, 5)) .. (#named > 5 and (" and " .. (#named - 5) .. " more") or "")
  log.error("could not change the membership of " .. plural(#named, "user"), { group = group.name, error = reason, users = shown })
  failed_text[#failed_text + 1] = "  " .. shown .. ": " .. reason
end
-- Each number says what it counts: rows of the file, members, and the requests this run sent.
local dry = report.dry_run
local stats = api:stats()
local notes = {}
if repeated > 0 then notes[#notes + 1] = plural(repeated, "duplicate row") .. " (counted once)" end
if #info.blank_lines > 0 then notes[#notes + 1] = plural(#info.blank_lines, "blank row") .. " skipped" end
print(string.format("%s%s: %s: %d %s, %d %s, %d unchanged, %d failed%s; %s sent (%s; retries: %d)",
  group.name, dry and " (dry run, nothing was changed)" or "", plural(#entries, "row"),
  report.added, dry and "to add" or "added", report.removed, dry and "to remove" or "removed",
  report.unchanged, #report.failed + unmatched, #notes > 0 and "; " .. table.concat(notes, "; ") or "",
  plural(stats.requests, "request"), plural(stats.writes, "write"), stats.retries))
if #report.failed + unmatched > 0 then
  -- Rows that could not be used are not synced by running again: say which ones to fix.
  for _, line in ipairs(failed_text) do bad_text[#bad_text + 1] = line end
  print(string.format("not synced: %s (everything else is done); correct %s in %s, then run the script again:\n%s",
    plural(#report.failed + unmatched, "entry", "entries"), #report.failed + unmatched == 1 and "it" or "them", path, table.concat(bad_text, "\n")))
  os.exit(4)
end
