-- Hostile values into every function and constructor of the purecloud module (issue 20.2):
-- the only acceptable outcomes are a result or a Lua error (a string or an ApiError table).
-- A crash ends the process; the caller counts process deaths.
--
-- Usage: fuzz(seed, rounds, scratch) with the module loaded (FuzzTests runs it in-process,
-- LuaHostTests through the pclua binary against --emulator). `scratch` is a folder for files:
-- csv.write only ever writes there, whatever path it is given.
local seed, rounds, scratch = ...
seed, rounds = tonumber(seed) or 1, tonumber(rounds) or 2000
assert(type(scratch) == "string", "a scratch folder")

local function random(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n + 1 end

local cyclic = {}; cyclic.self = cyclic; cyclic[1] = cyclic
local function nested(levels) local root = {}; local t = root; for _ = 1, levels do t.x = {}; t = t.x end; return root end
local function raising(what)
  return setmetatable({}, {
    __index = function() error(what .. ": index") end, __newindex = function() error(what .. ": newindex") end,
    __pairs = function() error(what .. ": pairs") end, __len = function() error(what .. ": len") end,
    __tostring = function() error(what .. ": tostring") end, __eq = function() error("eq") end,
    __call = function() error("call") end, __concat = function() error("concat") end,
  })
end
local yielding = setmetatable({}, {
  __index = function() return coroutine.yield("index") end, __pairs = function() return coroutine.yield("pairs") end,
  __len = function() return coroutine.yield("len") end, __tostring = function() return coroutine.yield("tostring") end,
})
local array = setmetatable({ "a", "b" }, { __index = function() error("array index") end, __len = function() return 1e300 end })
local big = {}; for i = 1, 60 do big[i] = "user-" .. i end
local many = {}; for i = 1, 2000 do many[i] = i end
local api = purecloud.GroupsApi.new()
local users = purecloud.UsersApi.new()
local _, box = debug.getupvalue(purecloud.json.encode, 1)  -- a host function's own userdata
local task = purecloud.spawn(function(...) return ... end, 1, "two")  -- a task object (ended)

local values = {
  true, false, 0, -1, 1.5, -0.0, math.maxinteger, math.mininteger, math.huge, -math.huge, 0/0, 1e308, -1e308, 1e300,
  2^53, -2^63, 2^63, 0.001, 65, 1e-300,
  "", "x", "..", "a,b,c", " ", "\0nul\0", "\xff\xfe\xfd", "\xed\xa0\x80", string.rep("A", 200000),
  string.rep("B", 10 * 1024 * 1024), "%2F%00", "group-id", "name", "ascending", "EXACT", "dry_run", "retry", "1e300", "nan",
  {}, { 1, 2, 3 }, { 1, nil, 3 }, { [1.5] = true }, { [true] = 1 }, { [-1] = "m", [2] = "b" }, { [0] = "z" },
  { ["\xff"] = 1 }, { [string.rep("k", 1024 * 1024)] = 1 }, cyclic, nested(300), nested(600), raising("raising"), yielding,
  array, big, many,
  { page_size = "x" }, { page_size = 0 }, { page_size = 3 }, { page_size = 1e300 }, { page_number = -5 },
  { page_number = 0/0 }, { page_size = math.mininteger }, { id = { 1, 2 } }, { expand = "presence,x" },
  { name = "Fuzz", type = "official", visibility = "public", rulesVisible = true },
  { name = cyclic }, { body = cyclic }, { body = nested(300) }, { memberIds = big, version = 1 }, { query = { { type = "MATCH_ALL" } } },
  { query = "x" }, { dry_run = true }, { dry_run = "yes" }, { plan_only = true }, { max_removals = 1e300 }, { max_removals = -1 },
  { batch_size = 0/0 }, { batch_size = 1e300 }, { include_inactive = 1 }, { delimiter = ";" }, { delimiter = "\xff" },
  { retry = { max_attempts = 1e300 } }, { retry = { max_attempts = 0/0, base_delay = -1 } }, { retry = { total_budget = math.huge } },
  { retry = cyclic }, { retry = raising("retry") }, { timeout = 0/0 }, { timeout = 1e300 }, { connect_timeout = -math.huge },
  { concurrency = math.mininteger }, { concurrency = 2.5 }, { token_pool = 1e300 }, { progress = false },
  { environment = "\0" }, { environment = "\xff" }, { base_url = "ftp://x" }, { base_url = string.rep("h", 100000) },
  { client_id = "a" }, { client_secret = "b" }, { access_token = "" }, { profile = "none" },
  { group = "g", add = big }, { { group = "g", add = { 1 } } }, { { group = cyclic, sync = many } },
  print, function() end, coroutine.create(print), coroutine.running(), io.stdout, box, task,
  function() return coroutine.yield("in a task") end, function() error("from a task") end,
  purecloud.null, purecloud.array_mt, setmetatable({}, purecloud.array_mt), api, users,
  purecloud.GroupsApi.metatable, setmetatable({}, { __name = "purecloud.GroupsApi" }),
}
local nvalues = #values + 1  -- the last draw is nil
local function pick() return values[random(nvalues)] end

-- Every function reachable from the module: its own, its libraries', the constructors', the API
-- objects' methods and metamethods, the values' metamethods.
local targets, seen = {}, {}
local function add(name, fn, self)
  if seen[fn] and not self then return end
  seen[fn] = true
  targets[#targets + 1] = { name = name, fn = fn, self = self }
end
local function walk(name, t, depth)
  if depth > 3 or seen[t] then return end
  seen[t] = true
  for k, v in pairs(t) do
    local key = name .. "." .. tostring(k)
    if type(v) == "function" then add(key, v)
    elseif type(v) == "table" then walk(key, v, depth + 1) end
  end
  local mt = getmetatable(t)
  if type(mt) == "table" then walk(name .. "<mt>", mt, depth + 1) end
end
walk("purecloud", purecloud, 0)
for _, object in ipairs { api, users, purecloud.null, task } do
  local mt = getmetatable(object)
  for k, v in pairs(mt) do if type(v) == "function" then add(tostring(k), v, object) end end
  if type(mt.__index) == "table" then
    for k, v in pairs(mt.__index) do add("api:" .. tostring(k), v, object) end
  end
end
-- csv.write only into the scratch folder, whatever it is given as a path.
local write = purecloud.csv.write
-- spawn and map call the function they are given: never print (a 10 MB string would be printed).
local spawn, map = purecloud.spawn, purecloud.map
local function quiet(f) if f == print then return tostring end return f end
for _, target in ipairs(targets) do
  if target.fn == write then
    target.fn = function(path, ...) return write(type(path) == "string" and scratch .. "/written.csv" or path, ...) end
  elseif target.fn == spawn then
    target.fn = function(f, ...) return spawn(quiet(f), ...) end
  elseif target.fn == map then
    target.fn = function(list, f, ...) return map(list, quiet(f), ...) end
  end
end
local names = {}
for _, target in ipairs(targets) do names[target.name] = true end
for _, required in ipairs { "purecloud.configure", "purecloud.authenticate_with_client_credentials", "purecloud.GroupsApi.new",
                            "purecloud.UsersApi.new", "purecloud.GroupCreate.new", "purecloud.json.encode", "purecloud.json.decode",
                            "purecloud.csv.read", "purecloud.csv.rows", "purecloud.table", "purecloud.collect", "api:get_groups",
                            "api:each_group", "api:apply_memberships", "api:resolve", "api:pages", "purecloud.spawn",
                            "purecloud.map", "api:wait" } do
  assert(names[required], "the fuzz reaches " .. required)
end

-- Each call runs in a coroutine of its own, so a metamethod that yields really yields (the
-- coroutine is then dropped half way, as a script may drop one).
local calls, errors, yielded = 0, 0, 0
for _ = 1, rounds do
  local target = targets[random(#targets)]
  local args = {}
  local n = random(5) - 1
  for i = 1, n do args[i] = pick() end
  if target.self and random(5) > 1 then table.insert(args, 1, target.self); n = n + 1 end
  local co = coroutine.create(function() return pcall(target.fn, table.unpack(args, 1, n)) end)
  local resumed, ok, result = coroutine.resume(co)
  calls = calls + 1
  if coroutine.status(co) == "suspended" then
    yielded = yielded + 1
  elseif resumed and not ok then
    errors = errors + 1
    assert(type(result) == "string" or purecloud.ApiError.is(result), target.name .. " raised a " .. type(result))
  elseif resumed and type(result) == "function" then  -- an iterator: walk a little of it
    pcall(function() local i = 0; for _ in result do i = i + 1; if i > 30 then break end end end)
  end
  -- configure may have turned the session's tuning into something slow: put it back.
  pcall(purecloud.configure, { timeout = 5, connect_timeout = 1, retry = { max_attempts = 1, total_budget = 10 }, dry_run = false })
end
assert(calls == rounds and errors > rounds // 4, calls .. " calls, " .. errors .. " errors")

-- The same calls inside tasks (issue 23), where API calls suspend the task instead of blocking:
-- spawned and waited for, inside a script's own coroutine in a task, and as a map's items.
local function draw()
  local target = targets[random(#targets)]
  local args, n = {}, random(4) - 1
  for i = 1, n do args[i] = pick() end
  if target.self and random(5) > 1 then table.insert(args, 1, target.self); n = n + 1 end
  return target, args, n
end
for round = 1, rounds // 10 do
  local target, args, n = draw()
  local body = function() return pcall(target.fn, table.unpack(args, 1, n)) end
  local how = round % 3
  local ok, err
  if how == 0 then
    local t = spawn(body)
    ok, err = pcall(t.wait, t)
  elseif how == 1 then
    local t = spawn(function() return coroutine.wrap(body)() end)
    ok, err = pcall(t.wait, t)
  else
    local list = {}
    for i = 1, random(4) do list[i] = pick() end
    ok, err = pcall(map, list, function(x) return pcall(target.fn, x, table.unpack(args, 1, n)) end, { concurrency = random(3) })
  end
  assert(ok or type(err) == "string" or purecloud.ApiError.is(err), target.name .. " in a task raised a " .. type(err))
  pcall(purecloud.configure, { timeout = 5, connect_timeout = 1, retry = { max_attempts = 1, total_budget = 10 }, dry_run = false })
end

-- The debug library's way in: a host function's userdata handed to anything, upvalues replaced.
local gc = debug.getregistry()["pclua.hostbox"].__gc
for _ = 1, 200 do pcall(gc, pick()) end
local here = debug.getinfo(1, "S").source
for _ = 1, 300 do
  local target = targets[random(#targets)]
  -- (not the csv.write wrapper above: its upvalues are this chunk's own, _ENV included)
  if debug.getinfo(target.fn, "S").source ~= here and debug.getupvalue(target.fn, 1) ~= nil then
    pcall(debug.setupvalue, target.fn, random(2), pick())
  end
  local n = random(3) - 1
  local args = {}
  for i = 1, n do args[i] = pick() end
  pcall(target.fn, table.unpack(args, 1, n))
end
return calls, errors, yielded
