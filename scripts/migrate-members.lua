-- Move users between groups as a CSV says.
--
--   pclua scripts/migrate-members.lua moves.csv              (add --dry-run to see the plan first)
--
-- moves.csv has a header and the columns user_id, from_group, to_group. A group is its id or its
-- exact name. Leave from_group empty to only add, or to_group empty to only remove.
--
-- Everything is checked before the first write: the file, every group, contradictions. Users are
-- added to their new groups before they leave the old ones, so nobody is left without access.
-- It is safe to run again (after a failure, or twice by mistake): users already where the file
-- wants them are skipped, so a second run sends no membership writes.

local purecloud = require "purecloud"
local log = purecloud.log

local path = arg[1]
if not path then
  io.stderr:write("usage: pclua scripts/migrate-members.lua moves.csv\n")
  os.exit(2)
end

local api = purecloud.GroupsApi.new()

-- 1. Read the whole file first: a malformed file stops here, before any write.
local rows = {}
for row, line in purecloud.csv.rows(path) do
  for _, column in ipairs { "user_id", "from_group", "to_group" } do
    if row[column] == nil then error(path .. ": the header must have the columns user_id, from_group, to_group (missing " .. column .. ")", 0) end
  end
  local user = row.user_id:match("^%s*(.-)%s*$")
  local from, to = row.from_group:match("^%s*(.-)%s*$"), row.to_group:match("^%s*(.-)%s*$")
  if user == "" then error(path .. ":" .. line .. ": user_id is empty", 0) end
  if from == "" and to == "" then error(path .. ":" .. line .. ": from_group and to_group are both empty", 0) end
  rows[#rows + 1] = { user = user, from = from, to = to, line = line }
end

-- 2. Resolve every group (by id, else by exact name) before any write.
local resolved = {}
local function resolve(key)
  if key == "" or resolved[key] then return end
  local ok, group = pcall(api.get_group, api, key)
  if not ok then
    if not (purecloud.ApiError.is(group) and group.status == 404) then error(group, 0) end
    local found = api:post_groups_search{ query = { { type = "EXACT", fields = { "name" }, value = key } } }
    if found.total ~= 1 then
      error(path .. ": unknown group '" .. key .. "' (no group has this id" .. (found.total > 1 and ", and several have this name)" or " or name)"), 0)
    end
    group = found.results[1]
  end
  resolved[key] = group
end
for _, row in ipairs(rows) do resolve(row.from); resolve(row.to) end

-- The plan, by group id: whether a group was written by name or by id makes no difference.
local adds, removes, groups = {}, {}, {}   -- group id -> { user ids in file order }; group id -> group
local where = {}                           -- "add|group|user" -> line, to find contradictions
for _, row in ipairs(rows) do
  local function plan(kind, list, key)
    if key == "" then return end
    local group = resolved[key]
    groups[group.id] = group
    local opposite = (kind == "add" and "remove" or "add") .. "|" .. group.id .. "|" .. row.user
    if where[opposite] then
      error(path .. ":" .. row.line .. ": contradicts line " .. where[opposite] .. " (user " .. row.user .. " would be added to and removed from " .. group.name .. ")", 0)
    end
    where[kind .. "|" .. group.id .. "|" .. row.user] = row.line
    list[group.id] = list[group.id] or {}
    table.insert(list[group.id], row.user)
  end
  if row.from ~= "" and resolved[row.from].id == (row.to ~= "" and resolved[row.to].id) then
    error(path .. ":" .. row.line .. ": from_group and to_group are the same group", 0)
  end
  plan("add", adds, row.to)
  plan("remove", removes, row.from)
end

-- 3. Carry it out: adds, then removes. Each helper chunks by 50 and skips users already in place.
local totals = { added = 0, removed = 0, unchanged = 0, failed = 0, requests = 0 }
local function account(report, group)
  totals.added = totals.added + report.added
  totals.removed = totals.removed + report.removed
  totals.unchanged = totals.unchanged + report.unchanged
  totals.requests = totals.requests + report.requests
  for _, failure in ipairs(report.failed) do
    totals.failed = totals.failed + 1
    log.error("could not move user", { user_id = failure.id, group = group.name, error = failure.error })
  end
  log.info("group done", { group = group.name, added = report.added, removed = report.removed, unchanged = report.unchanged, requests = report.requests })
end

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  return keys
end

-- A helper that cannot go on (retries exhausted) raises with err.report: say what was done, then
-- stop. Running the script again finishes the job.
local function apply(helper, id, ids)
  local ok, report = pcall(helper, api, groups[id], ids)
  if not ok then
    local err = report
    if purecloud.ApiError.is(err) and err.report then
      account(err.report, groups[id])
      log.error("stopped; run the script again to finish", {
        group = groups[id].name, done = #err.report.added_ids + #err.report.removed_ids, not_done = #err.report.not_done,
      })
      print(string.format("stopped at group %s: %d added, %d removed so far; %d changes in this group not confirmed (run again to finish)",
        groups[id].name, totals.added, totals.removed, #err.report.not_done))
    end
    error(err, 0)
  end
  account(report, groups[id])
end

for _, id in ipairs(sorted_keys(adds)) do apply(api.add_members, id, adds[id]) end
for _, id in ipairs(sorted_keys(removes)) do apply(api.remove_members, id, removes[id]) end

local stats = api:stats()
print(string.format("%d rows: %d added, %d removed, %d already in place, %d failed, %d requests (retries: %d, tokens fetched: %d, waiting for the rate limit: %.1f s)",
  #rows, totals.added, totals.removed, totals.unchanged, totals.failed, totals.requests,
  stats.retries, stats.tokens_fetched, stats.seconds_waited))
