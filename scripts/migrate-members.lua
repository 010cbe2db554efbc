-- Move people between groups as a CSV says.
--
--   pclua scripts/migrate-members.lua moves.csv [options]      (pclua --dry-run ... shows the plan first)
--
-- moves.csv has a header and the columns user (or email, or user_id), from_group, to_group, written
-- in any case, with spaces or dashes ("User", "From Group", "E-Mail" work). A user
-- is an email, a user id or an exact full name; a group is its id or its exact name. Leave
-- from_group empty to only add, or to_group empty to only remove. The separator (`,` `;` or tab)
-- is detected; a byte-order mark and Windows line ends are fine.
--
-- options:
--   --max-removals N      let one group lose up to N members (default: at most half of them)
--   --allow-remove-all    let a group lose every member
--   --skip-unknown        move everyone else when some rows name unknown, ambiguous, inactive or
--                         deleted people (they are reported as failed); default: stop, change nothing
--   --include-inactive    move inactive users too
--   --delimiter C         the CSV's separator: , ; or tab (default: detected)
--   --dry-run             the same as pclua's --dry-run: print the plan, change nothing
--
-- Everything is checked before the first write: the file, every group, every person,
-- contradictions, and how many members each group would lose. Users are added to their new groups
-- before they leave the old ones, so nobody is left without access. It is safe to run again (after
-- a failure, or twice by mistake): people already where the file wants them are skipped, so a
-- second run sends no membership writes.

local purecloud = require "purecloud"

-- A mistake in the input (the file, a group, people) is one line for the person running the
-- script, in the run's log format (text, or JSON with --log-format json), and exit status 1:
-- nothing was changed.
local function stop(message)
  purecloud.log.error(message)
  os.exit(1)
end
local log = purecloud.log

local usage = "usage: pclua scripts/migrate-members.lua moves.csv [--max-removals N] [--allow-remove-all] [--skip-unknown] [--include-inactive] [--delimiter C] [--dry-run]\n"
local function fail_usage(message)
  io.stderr:write("migrate-members.lua: " .. message .. "\n" .. usage)
  os.exit(2)
end

-- Arguments: one path and the options above; anything else is refused, so a mistyped or
-- misplaced flag never goes unnoticed.
local path
local options = {}
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
  elseif a == "--dry-run" then purecloud.configure{ dry_run = true }
  elseif a == "--delimiter" then
    local d = arg[i + 1]
    if d == "tab" or d == "\\t" then d = "\t" end
    if d ~= "," and d ~= ";" and d ~= "\t" then fail_usage("--delimiter must be , ; or tab") end
    options.delimiter = d
    i = i + 1
  elseif a:sub(1, 1) == "-" then fail_usage("unknown option '" .. a .. "'")
  elseif path then fail_usage("unexpected argument '" .. a .. "' (one CSV file is expected)")
  else path = a end
  i = i + 1
end
if not path then fail_usage("no CSV file given") end

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

-- 1. Read the whole file first: a malformed file stops here, before any write.
local rows = {}
local user_column
for row, line in purecloud.csv.rows(path, { delimiter = options.delimiter }) do
  row = normalized(row)
  if not user_column then
    for _, name in ipairs { "user", "user_id", "email" } do
      if row[name] ~= nil then user_column = name; break end
    end
    if not user_column or row.from_group == nil or row.to_group == nil then
      stop(path .. ": the header must have the columns user (or email, or user_id), from_group, to_group")
    end
  end
  local user = row[user_column]:match("^%s*(.-)%s*$")
  local from, to = row.from_group:match("^%s*(.-)%s*$"), row.to_group:match("^%s*(.-)%s*$")
  if user == "" then stop(path .. ":" .. line .. ": " .. user_column .. " is empty") end
  if from == "" and to == "" then stop(path .. ":" .. line .. ": from_group and to_group are both empty") end
  rows[#rows + 1] = { user = user, from = from, to = to, line = line }
end

-- 2. Resolve every group (by id, else by exact name) before any write.
local resolved = {}
local function resolve(key)
  if key == "" or resolved[key] then return end
  local ok, group = pcall(api.get_group, api, key:lower())  -- an id, in any case (names are searched below)
  if not ok then
    if not (purecloud.ApiError.is(group) and group.status == 404) then error(group, 0) end
    local found = api:post_groups_search{ query = { { type = "EXACT", fields = { "name" }, value = key } } }
    if found.total ~= 1 then
      stop(path .. ": unknown group '" .. key .. "' (no group has this id" .. (found.total > 1 and ", and several have this name)" or " or name)"))
    end
    group = found.results[1]
  end
  resolved[key] = group
end
for _, row in ipairs(rows) do resolve(row.from); resolve(row.to) end

-- 3. Resolve every person (emails and names through batched searches, ids checked to exist)
--    before any write. Rows naming nobody, several people, or someone inactive or deleted stop the
--    run here, named by line, unless --skip-unknown.
local people = {}
for _, row in ipairs(rows) do people[#people + 1] = row.user end
local found = users:resolve(people, { include_inactive = options.include_inactive })
local problems = {}
local function problem(input, reason)
  problems[input] = reason
end
for _, input in ipairs(found.not_found) do problem(input, "no such user") end
for input, ids in pairs(found.ambiguous) do problem(input, #ids .. " users have this name or email (" .. table.concat(ids, ", ") .. ")") end
for _, input in ipairs(found.not_indexed) do problem(input, "found by id but not yet by search (the user changed minutes ago); try again later or give the id") end
for _, input in ipairs(found.deleted) do problem(input, "deleted user") end
for _, input in ipairs(found.inactive) do if not found.ids[input] then problem(input, "inactive user (--include-inactive moves them)") end end
local bad = {}
for _, row in ipairs(rows) do
  if problems[row.user] then bad[#bad + 1] = row end
end
if #bad > 0 then
  local lines = {}
  for n, row in ipairs(bad) do
    if n > 50 then lines[#lines + 1] = "  ... and " .. (#bad - 50) .. " more"; break end
    lines[#lines + 1] = string.format("  %s:%d: %s: %s", path, row.line, row.user, problems[row.user])
  end
  local message = string.format("%d row%s name%s people that cannot be used:\n%s", #bad, #bad == 1 and "" or "s", #bad == 1 and "s" or "", table.concat(lines, "\n"))
  if not options.skip_unknown then
    stop(message .. "\nnothing was changed; correct the file, or pass --skip-unknown to move everyone else")
  end
  log.warn(message .. "\nthese rows are skipped (--skip-unknown)")
end

-- The plan, by group id and user id: whether a group or a person was written by name, email or id
-- makes no difference.
local adds, removes, groups = {}, {}, {}   -- group id -> { user ids in file order }; group id -> group
local where = {}                           -- "add|group|user" -> line, to find contradictions
local skipped = 0
for _, row in ipairs(rows) do
  local id = found.ids[row.user]
  if not id then
    skipped = skipped + 1
  else
    local function plan(kind, list, key)
      if key == "" then return end
      local group = resolved[key]
      groups[group.id] = group
      local opposite = (kind == "add" and "remove" or "add") .. "|" .. group.id .. "|" .. id
      if where[opposite] then
        stop(path .. ":" .. row.line .. ": contradicts line " .. where[opposite] .. " (user " .. row.user .. " would be added to and removed from " .. group.name .. ")")
      end
      where[kind .. "|" .. group.id .. "|" .. id] = row.line
      list[group.id] = list[group.id] or {}
      table.insert(list[group.id], id)
    end
    if row.from ~= "" and resolved[row.from].id == (row.to ~= "" and resolved[row.to].id) then
      stop(path .. ":" .. row.line .. ": from_group and to_group are the same group")
    end
    plan("add", adds, row.to)
    plan("remove", removes, row.from)
  end
end

-- 4. Carry it out: adds, then removes, each group side by side with the others. The helper chunks
--    by 50, skips people already in place, and refuses (before writing) to empty a group or remove
--    more than half of it unless allowed.
local totals = { added = 0, removed = 0, unchanged = 0, failed = skipped, requests = found.requests }
local function account(report, group)
  totals.added = totals.added + report.added
  totals.removed = totals.removed + report.removed
  totals.unchanged = totals.unchanged + report.unchanged
  totals.requests = totals.requests + report.requests
  totals.dry_run = totals.dry_run or report.dry_run
  -- Failures with the same cause are one line with a count and a few names, not one line each.
  local causes, order = {}, {}
  for _, failure in ipairs(report.failed) do
    totals.failed = totals.failed + 1
    local cause = causes[failure.error]
    if not cause then
      cause = { users = {} }
      causes[failure.error] = cause
      order[#order + 1] = failure.error
    end
    cause.users[#cause.users + 1] = failure.input
  end
  for _, reason in ipairs(order) do
    local named = causes[reason].users
    local shown = table.concat(named, ", ", 1, math.min(#named, 5)) .. (#named > 5 and (" and " .. (#named - 5) .. " more") or "")
    log.error("could not move " .. #named .. " user" .. (#named == 1 and "" or "s"), { group = group.name, error = reason, users = shown })
  end
  log.info("group done", { group = group.name, added = report.added, removed = report.removed, unchanged = report.unchanged, requests = report.requests })
end

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  return keys
end

local limits = { max_removals = options.max_removals, allow_remove_all = options.allow_remove_all }

-- One change per group, in a stable order.
local function changes(plan, kind)
  local list = {}
  for _, id in ipairs(sorted_keys(plan)) do list[#list + 1] = { group = id, [kind] = plan[id] } end
  return list
end
local additions, removals = changes(adds, "add"), changes(removes, "remove")

-- The removal limits are checked for every group before the first write (plan_only: checked and
-- planned, nothing sent).
if #removals > 0 then
  for _, plan in ipairs(api:apply_memberships(removals, { plan_only = true, max_removals = limits.max_removals, allow_remove_all = limits.allow_remove_all })) do
    totals.requests = totals.requests + plan.requests
  end
end

-- apply_memberships writes the groups side by side (pclua --concurrency N, one writer per
-- group). When a group cannot go on (retries exhausted), the others already writing finish, and
-- it raises with err.report, one report per group: say what was done, then stop. Running the
-- script again finishes the job.
local function apply(list, opts)
  if #list == 0 then return end
  local ok, reports = pcall(api.apply_memberships, api, list, opts)
  if not ok then
    local err = reports
    if purecloud.ApiError.is(err) and err.report then
      local not_done = 0
      for n, report in ipairs(err.report) do
        account(report, groups[list[n].group])
        not_done = not_done + #(report.not_done or {})
      end
      log.error("stopped; run the script again to finish", { added = totals.added, removed = totals.removed, not_done = not_done })
      print(string.format("stopped: %d added, %d removed so far; %d changes not confirmed (run again to finish)",
        totals.added, totals.removed, not_done))
    end
    error(err, 0)
  end
  for n, report in ipairs(reports) do account(report, groups[list[n].group]) end
end

-- Everyone is added to the new groups before anyone leaves the old ones.
apply(additions, {})
apply(removals, limits)

-- Rows are the file's lines; each asks for up to two membership changes (an add and a remove),
-- which is what the other numbers count.
local changes = 0
for _, list in pairs(adds) do changes = changes + #list end
for _, list in pairs(removes) do changes = changes + #list end
local stats = api:stats()
local dry_run = totals.dry_run
print(string.format("%d rows (%d memberships)%s: %d %s, %d %s, %d already in place, %d failed, %d requests (retries: %d, tokens fetched: %d, waiting for the rate limit: %.1f s)",
  #rows, changes, dry_run and ", dry run, nothing was changed" or "",
  totals.added, dry_run and "to add" or "added", totals.removed, dry_run and "to remove" or "removed",
  totals.unchanged, totals.failed, totals.requests, stats.retries, stats.tokens_fetched, stats.seconds_waited))
if totals.failed > 0 then os.exit(4) end
