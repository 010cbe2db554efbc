-- Move people between groups as a CSV says.
--
--   pclua scripts/migrate-members.lua moves.csv [options]      (pclua --dry-run ... shows the plan first)
--
-- moves.csv has a header and the columns user (or email, or user_id), from_group, to_group, written
-- in any case, with spaces or dashes ("User", "From Group", "E-Mail" work). A user
-- is an email, a user id or an exact full name; a group is its id or its name (case and surrounding
-- spaces aside). Leave from_group empty to only add, or to_group empty to only remove. The
-- separator (`,` `;` or tab) is detected; a byte-order mark, Windows line ends, empty columns
-- without a header and blank rows (`;;;` where rows were deleted) are fine, as Excel saves them.
--
-- options:
--   --max-removals N      let one group lose up to N members (default: at most half of them)
--   --allow-remove-all    let a group lose every member
--   --skip-unknown        move everyone else when some rows name unknown, ambiguous, inactive or
--                         deleted people (they are reported as failed); default: stop, change nothing
--   --allow-not-in-from-group
--                         a person in neither their from_group nor their to_group is expected: add
--                         them to the to_group, skip the removal (default: stop, change nothing)
--   --include-inactive    move inactive users too
--   --delimiter C         the CSV's separator: , ; or tab (default: detected)
--   --dry-run             the same as pclua's --dry-run: print the plan, change nothing
--
-- Everything is checked before the first write: the file, every group (every unknown name is
-- listed, with the org's closest names), every person, duplicates (the same move twice is done
-- once), contradictions (one person to two groups, a group to itself, added to and removed from
-- one group), people who are in neither group of their row, and how many members each group
-- would lose. Users are added to their new groups before they leave the old ones, so nobody is
-- left without access. It is safe to run again (after a failure, or twice by mistake): people
-- already where the file wants them are skipped, so a second run sends no membership writes.

local purecloud = require "purecloud"
local log = purecloud.log

-- A mistake in the input (the file, a group, people) is one message for the person running the
-- script, in the run's log format (text, or JSON with --log-format json), and exit status 1:
-- nothing was changed.
local function stop(message)
  log.error(message)
  os.exit(1)
end

local usage = "usage: pclua scripts/migrate-members.lua moves.csv [--max-removals N] [--allow-remove-all] [--skip-unknown]"
  .. " [--allow-not-in-from-group] [--include-inactive] [--delimiter C] [--dry-run]"
local function fail_usage(message)
  if log.format == "json" then
    log.error("migrate-members.lua: " .. message, { usage = usage })
  else
    io.stderr:write("migrate-members.lua: " .. message .. "\n" .. usage .. "\n")
  end
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
  elseif a == "--allow-not-in-from-group" then options.allow_not_in_from = true
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

local function plural(n, word, words) return n .. " " .. (n == 1 and word or (words or word .. "s")) end

-- "line 4", "lines 2 and 9", "lines 2, 3, 5, 8, 13 and 4 more": where a value stands in the file.
local function lines_text(lines)
  if #lines == 1 then return "line " .. lines[1] end
  local shown = {}
  for n = 1, math.min(#lines, 5) do shown[n] = tostring(lines[n]) end
  local rest = #lines > 5 and (#lines - 5) .. " more" or table.remove(shown)
  return "lines " .. table.concat(shown, ", ") .. " and " .. rest
end

-- Headers as spreadsheets write them: "User", " From Group", "to-group", "E-Mail", "User ID" name
-- the columns user, from_group, to_group, email, user_id (case, spaces, dashes and underscores aside).
local column_names = { user = "user", userid = "user_id", email = "email", mail = "email",
                       emailaddress = "email", fromgroup = "from_group", togroup = "to_group" }
local function column(name) local bare = name:lower():gsub("[^%w]", ""); return column_names[bare] or bare end
local function trim(s) return (s or ""):match("^%s*(.-)%s*$") end

-- 1. Read the whole file first: a malformed file stops here, before any write.
local records, header, info = purecloud.csv.read(path, { delimiter = options.delimiter })
local given = {}
for _, name in ipairs(header) do given[column(name)] = name end
local user_column = given.user and "user" or given.user_id and "user_id" or given.email and "email"
if not user_column or not given.from_group or not given.to_group then
  stop(path .. ": the header must have the columns user (or email, or user_id), from_group, to_group; line 1 has " .. table.concat(header, ", "))
end
local rows, empty = {}, {}
for n, record in ipairs(records) do
  local row = { line = info.lines[n] }
  for name, value in pairs(record) do row[column(name)] = value end
  row = { user = trim(row[user_column]), from = trim(row.from_group), to = trim(row.to_group), line = row.line }
  if row.user == "" or (row.from == "" and row.to == "") then
    empty[#empty + 1] = string.format("  %s:%d: %s", path, row.line, row.user == "" and user_column .. " is empty" or "from_group and to_group are both empty")
  end
  rows[#rows + 1] = row
end
if #empty > 0 then
  stop(plural(#empty, "row") .. " of " .. path .. " cannot be read as a move:\n" .. table.concat(empty, "\n", 1, math.min(#empty, 50))
    .. (#empty > 50 and "\n  ... and " .. (#empty - 50) .. " more" or "") .. "\nnothing was changed; correct the file")
end

-- 2. Every group, by id or by name, before any write; every group the file names that does not
--    exist is listed at once, with the org's closest names.
local groups, group_lines, group_keys = {}, {}, {}
for _, row in ipairs(rows) do
  for _, key in ipairs { row.from, row.to } do
    if key ~= "" then
      if not group_lines[key] then group_lines[key] = {}; group_keys[#group_keys + 1] = key end
      local lines = group_lines[key]
      if lines[#lines] ~= row.line then lines[#lines + 1] = row.line end
    end
  end
end
local unknown = {}
for _, key in ipairs(group_keys) do
  local group, why
  if key:match("^%w+%-%w+%-%w+%-%w+%-%w+$") then  -- an id, in any case
    local ok, found = pcall(api.get_group, api, key:lower())
    if ok then group = found
    elseif purecloud.ApiError.is(found) and found.status == 404 then why = "no group has this id"
    else error(found, 0) end
  else
    local ok, found, _, suggestions = pcall(api.find_group, api, key)
    if not ok then
      if purecloud.ApiError.is(found) then error(found, 0) end
      why = tostring(found):gsub("^.-find_group: ", "")  -- two groups have this name
    elseif found then group = found
    elseif #suggestions > 0 then
      why = "no group has this name; did you mean '" .. table.concat(suggestions, "' or '") .. "'?"
    else why = "no group has this name" end
  end
  if group then groups[key] = group else unknown[#unknown + 1] = string.format("  '%s' (%s): %s", key, lines_text(group_lines[key]), why) end
end
if #unknown > 0 then
  stop(path .. ": " .. plural(#unknown, "group") .. " not found:\n" .. table.concat(unknown, "\n") .. "\nnothing was changed; correct the file")
end

-- 3. Resolve every person (emails and names through batched searches, ids checked to exist)
--    before any write. Rows naming nobody, several people, or someone inactive or deleted stop the
--    run here, named by line, unless --skip-unknown.
local people = {}
for _, row in ipairs(rows) do people[#people + 1] = row.user end
local found = users:resolve(people, { include_inactive = options.include_inactive })
local problems = {}
for _, input in ipairs(found.not_found) do problems[input] = "no such user" end
for input, ids in pairs(found.ambiguous) do problems[input] = #ids .. " users have this name or email (" .. table.concat(ids, ", ") .. ")" end
for _, input in ipairs(found.not_indexed) do
  problems[input] = "found by id but not yet by search (the user changed minutes ago); try again later or give the id"
end
for _, input in ipairs(found.deleted) do problems[input] = "deleted user" end
for _, input in ipairs(found.inactive) do if not found.ids[input] then problems[input] = "inactive user (--include-inactive moves them)" end end
local bad = {}
for _, row in ipairs(rows) do
  if problems[row.user] then bad[#bad + 1] = string.format("  %s:%d: %s: %s", path, row.line, row.user, problems[row.user]) end
end
if #bad > 0 then
  local message = string.format("%s %s people that cannot be used:\n%s%s", plural(#bad, "row"), #bad == 1 and "names" or "name",
    table.concat(bad, "\n", 1, math.min(#bad, 50)), #bad > 50 and "\n  ... and " .. (#bad - 50) .. " more" or "")
  if not options.skip_unknown then
    stop(message .. "\nnothing was changed; correct the file, or pass --skip-unknown to move everyone else")
  end
  log.warn(message .. "\nthese rows are skipped (--skip-unknown)")
end

-- 4. The plan, by group id and user id (a group or a person written by name, email or id is the
--    same), with duplicates merged and contradictions refused, all before any write.
local moves = {}                       -- the rows carried out, in file order
local first_of = {}                    -- "user|from|to" -> the first row of that move
local duplicates = {}                  -- first row -> { its repeats }
local contradictions = {}              -- { line = n, text = ... }
local added_by, removed_by = {}, {}    -- "user|group" -> the row that adds (removes) it
local moved_to = {}                    -- user -> the first row with a to_group
local function contradiction(line, text) contradictions[#contradictions + 1] = { line = line, text = text } end
for _, row in ipairs(rows) do
  local id = found.ids[row.user]
  local from, to = groups[row.from], groups[row.to]
  if id and from and to and from.id == to.id then
    contradiction(row.line, string.format("line %d: from_group and to_group are the same group ('%s')", row.line, from.name))
  elseif id then
    local key = id .. "|" .. (from and from.id or "") .. "|" .. (to and to.id or "")
    local first = first_of[key]
    if first then
      duplicates[first] = duplicates[first] or {}
      table.insert(duplicates[first], row)
    else
      first_of[key] = row
      row.id, row.from_group, row.to_group = id, from, to
      moves[#moves + 1] = row
      if to then
        local other = removed_by[id .. "|" .. to.id]
        if other then
          contradiction(other.line, string.format("lines %d and %d: %s would be removed from and added to '%s'",
            other.line, row.line, row.user, to.name))
        end
        added_by[id .. "|" .. to.id] = row
        local earlier = moved_to[id]
        if earlier and earlier.to_group.id ~= to.id and (from or earlier.from_group) then
          contradiction(earlier.line, string.format("lines %d and %d: %s is moved to two groups ('%s' and '%s')",
            earlier.line, row.line, row.user, earlier.to_group.name, to.name))
        end
        moved_to[id] = moved_to[id] or row
      end
      if from then
        local other = added_by[id .. "|" .. from.id]
        if other then
          contradiction(other.line, string.format("lines %d and %d: %s would be added to and removed from '%s'",
            other.line, row.line, row.user, from.name))
        end
        removed_by[id .. "|" .. from.id] = row
      end
    end
  end
end
if #contradictions > 0 then
  table.sort(contradictions, function(a, b) return a.line < b.line end)
  local text = {}
  for n, c in ipairs(contradictions) do
    if n > 50 then text[#text + 1] = "  ... and " .. (#contradictions - 50) .. " more"; break end
    text[#text + 1] = "  " .. c.text
  end
  stop(path .. ": " .. plural(#contradictions, "contradiction") .. ":\n" .. table.concat(text, "\n") .. "\nnothing was changed; correct the file")
end
local repeated = 0
for _, row in ipairs(moves) do
  local again = duplicates[row]
  if again then
    local lines = { row.line }
    for _, other in ipairs(again) do lines[#lines + 1] = other.line end
    repeated = repeated + #again
    local what = row.from_group and row.to_group and ("from '" .. row.from_group.name .. "' to '" .. row.to_group.name .. "'")
      or row.to_group and ("to '" .. row.to_group.name .. "'") or ("out of '" .. row.from_group.name .. "'")
    log.warn(string.format("%s: %s move %s %s: done once", path, lines_text(lines), row.user, what))
  end
end

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  return keys
end

-- One change per group, in a stable order, each person once.
local function changes(kind, group_of, skip)
  local lists, seen = {}, {}
  for _, row in ipairs(moves) do
    local group = row[group_of]
    local key = group and row.id .. "|" .. group.id
    if group and not seen[key] and not (skip and skip[row]) then
      seen[key] = true
      lists[group.id] = lists[group.id] or {}
      table.insert(lists[group.id], row.id)
    end
  end
  local list = {}
  for _, id in ipairs(sorted_keys(lists)) do list[#list + 1] = { group = id, [kind] = lists[id] } end
  return list
end
local additions, removals = changes("add", "to_group"), changes("remove", "from_group")
local limits = { max_removals = options.max_removals, allow_remove_all = options.allow_remove_all }

-- 5. Checked before the first write (plan_only: read and planned, nothing sent): how many members
--    each group would lose, and who is in neither group of their row.
local members_now = {}   -- "user|group" -> true: in a from_group now (the plan removes them)
local refused
if #removals > 0 then
  local ok, plans = pcall(api.apply_memberships, api, removals,
    { plan_only = true, max_removals = limits.max_removals, allow_remove_all = limits.allow_remove_all })
  if not ok then
    if purecloud.ApiError.is(plans) then error(plans, 0) end
    refused = plans  -- said below, after the people the plan may be wrong about
    plans = api:apply_memberships(removals, { plan_only = true, allow_remove_all = true })
  end
  for n, plan in ipairs(plans) do
    for _, id in ipairs(plan.removed_ids) do members_now[id .. "|" .. removals[n].group] = true end
  end
end
local absent = {}        -- rows whose person is in neither group: row -> true
local absent_rows = {}
local not_in_from = {}
for _, row in ipairs(moves) do
  if row.from_group and not members_now[row.id .. "|" .. row.from_group.id] then not_in_from[#not_in_from + 1] = row end
end
if #not_in_from > 0 then
  -- Not in the from_group: fine when already in the to_group (moved by an earlier run) or when
  -- the row only removes; otherwise the file is probably wrong about them.
  local missing = {}     -- "user|group" -> true: not in that to_group yet
  for n, plan in ipairs(api:apply_memberships(additions, { plan_only = true })) do
    for _, id in ipairs(plan.added_ids) do missing[id .. "|" .. additions[n].group] = true end
  end
  for _, row in ipairs(not_in_from) do
    if row.to_group and missing[row.id .. "|" .. row.to_group.id] then
      absent[row] = true
      absent_rows[#absent_rows + 1] = string.format("  %s:%d: %s is not in '%s' (nor in '%s')",
        path, row.line, row.user, row.from_group.name, row.to_group.name)
    end
  end
end
if #absent_rows > 0 then
  local message = string.format("%s %s people who are in neither their from_group nor their to_group (a wrong group, another org, an outdated sheet?):\n%s%s",
    plural(#absent_rows, "row"), #absent_rows == 1 and "names" or "name", table.concat(absent_rows, "\n", 1, math.min(#absent_rows, 50)),
    #absent_rows > 50 and "\n  ... and " .. (#absent_rows - 50) .. " more" or "")
  if not options.allow_not_in_from then
    stop(message .. "\nnothing was changed; correct the file, or pass --allow-not-in-from-group to add them to their to_group anyway (their removal is skipped)"
      .. (refused and "\nand besides: " .. tostring(refused):gsub("^.-apply_memberships: ", "") or ""))
  end
  log.warn(message .. "\nthey are added to their to_group; their removal is skipped (--allow-not-in-from-group)")
  removals = changes("remove", "from_group", absent)
end
if refused then error(refused, 0) end

-- 6. Carry it out: adds, then removes, each group side by side with the others. The helper chunks
--    by 50, skips people already in place, and checks the removal limits again.
local totals = { added = 0, removed = 0, unchanged = 0, failed = 0, writes_planned = 0 }
local failed_rows = {}
local group_names = {}
for _, row in ipairs(moves) do
  for _, group in ipairs { row.from_group or false, row.to_group or false } do if group then group_names[group.id] = group.name end end
end
local function account(report, group_id)
  local name = group_names[group_id] or group_id
  totals.added = totals.added + report.added
  totals.removed = totals.removed + report.removed
  totals.unchanged = totals.unchanged + report.unchanged
  totals.writes_planned = totals.writes_planned + (report.added + 49) // 50 + (report.removed + 49) // 50
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
    log.error("could not move " .. plural(#named, "user"), { group = name, error = reason, users = shown })
    failed_rows[#failed_rows + 1] = string.format("  %s: %s: %s", name, shown, reason)
  end
  log.info("group done", { group = name, added = report.added, removed = report.removed, unchanged = report.unchanged, requests = report.requests })
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
        account(report, list[n].group)
        not_done = not_done + #(report.not_done or {})
      end
      log.error("stopped; run the script again to finish", { added = totals.added, removed = totals.removed, not_done = not_done })
      print(string.format("stopped: %d added, %d removed so far; %s not confirmed (run the script again to finish: what is done is skipped)",
        totals.added, totals.removed, plural(not_done, "membership change")))
    end
    error(err, 0)
  end
  for n, report in ipairs(reports) do account(report, list[n].group) end
end

-- Everyone is added to the new groups before anyone leaves the old ones.
apply(additions, {})
apply(removals, limits)

-- 7. What happened, each number saying what it counts: rows of the file, membership changes
--    (one person into or out of one group), and the HTTP requests this run sent (writes among
--    them), the same numbers a rehearsal's plan and `pclua diff` show.
local planned = 0
for _, list in ipairs(additions) do planned = planned + #list.add end
for _, list in ipairs(removals) do planned = planned + #list.remove end
local skipped = 0
for _, row in ipairs(rows) do if not found.ids[row.user] then skipped = skipped + 1 end end
local stats = api:stats()
local dry_run = totals.dry_run
local notes = {}
if #absent_rows > 0 then notes[#notes + 1] = plural(#absent_rows, "person", "people") .. " not in their from_group (removal skipped)" end
if repeated > 0 then notes[#notes + 1] = plural(repeated, "duplicate row") .. " (done once)" end
if #info.blank_lines > 0 then notes[#notes + 1] = plural(#info.blank_lines, "blank row") .. " skipped" end
print(string.format("%s (%s)%s: %d %s, %d %s, %d already in place, %d failed%s; %s sent (%s%s; retries: %d), "
  .. "tokens fetched: %d, waiting for the rate limit: %.1f s",
  plural(#rows, "row"), plural(planned, "membership change"), dry_run and ", dry run, nothing was changed" or "",
  totals.added, dry_run and "to add" or "added", totals.removed, dry_run and "to remove" or "removed",
  totals.unchanged, totals.failed + skipped, #notes > 0 and "; " .. table.concat(notes, "; ") or "",
  plural(stats.requests, "request"), plural(stats.writes, "write"), dry_run and ("; the real run sends " .. plural(totals.writes_planned, "write")) or "",
  stats.retries, stats.tokens_fetched, stats.seconds_waited))

-- Rows that could not be used are not moved by running again: say which ones to fix.
if skipped > 0 or totals.failed > 0 then
  local text = {}
  for _, row in ipairs(rows) do
    if not found.ids[row.user] and #text < 50 then text[#text + 1] = string.format("  %s:%d: %s: %s", path, row.line, row.user, problems[row.user]) end
  end
  if skipped > #text then text[#text + 1] = "  ... and " .. (skipped - #text) .. " more" end
  for _, line in ipairs(failed_rows) do text[#text + 1] = line end
  print(string.format("not moved: %s (everything else is done); correct %s in %s, then run the script again (what is done is skipped):\n%s",
    plural(skipped + totals.failed, "entry", "entries"), skipped + totals.failed == 1 and "it" or "them", path, table.concat(text, "\n")))
  os.exit(4)
end
