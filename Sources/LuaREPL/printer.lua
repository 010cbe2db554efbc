local purecloud, colour, is_secret = ...
local MAX_DEPTH, MAX_ITEMS, MAX_STRING = 4, 60, 2000
local SECRET = {
  secret = true, client_secret = true, token = true, access_token = true, password = true, authorization = true,
}

local function paint(code, text) if colour then return "\27[" .. code .. "m" .. text .. "\27[0m" end return text end

local function is_identifier(k) return type(k) == "string" and k:match("^[%a_][%w_]*$") ~= nil end

local function sorted_keys(t)
  local n = rawlen(t)
  local keys = {}
  for k in next, t do
    if not (math.type(k) == "integer" and k >= 1 and k <= n) then keys[#keys + 1] = k end
  end
  table.sort(keys, function(a, b)
    local ta, tb = type(a), type(b)
    if ta ~= tb then return ta < tb end
    if ta == "number" or ta == "string" then return a < b end
    return tostring(a) < tostring(b)
  end)
  return keys, n
end

local function scalar(v)
  local t = type(v)
  if t == "string" and is_secret(v) then return paint("2", "<redacted>") end
  if t == "string" then
    if #v > MAX_STRING then
      return paint("32", string.format("%q", v:sub(1, MAX_STRING)))
        .. paint("2", " --[[" .. #v - MAX_STRING .. " more bytes]]")
    end
    return paint("32", string.format("%q", v):gsub("\\\n", "\\n"))
  elseif t == "number" then return paint("36", tostring(v))
  elseif t == "boolean" or t == "nil" then return paint("35", tostring(v))
  elseif v == purecloud.null then return paint("35", "purecloud.null")
  end
  local ok, text = pcall(tostring, v)
  return paint("2", ok and text or t)
end

local function inspect(root)
  -- First pass: which tables are reachable more than once (shared or cyclic)?
  local seen, shared = {}, {}
  local function count(v, depth)
    if type(v) ~= "table" or depth > MAX_DEPTH then return end
    if seen[v] then shared[v] = true; return end
    seen[v] = true
    for k, x in next, v do count(k, depth + 1); count(x, depth + 1) end
  end
  count(root, 0)
  local ids, next_id, out = {}, 0, {}
  local function emit(s) out[#out + 1] = s end
  local function show(v, indent, depth)
    if type(v) ~= "table" then return emit(scalar(v)) end
    if purecloud.ApiError.is(v) then return emit(paint("31", tostring(v))) end
    if ids[v] then return emit(paint("2", "<table " .. ids[v] .. ">")) end
    if shared[v] then next_id = next_id + 1; ids[v] = next_id; emit(paint("2", "<" .. next_id .. ">")) end
    local mt = getmetatable(v)
    local name = type(mt) == "table" and rawget(mt, "__name")
    if name and name ~= "purecloud.array" then emit(paint("2", "<" .. tostring(name) .. "> ")) end
    if depth >= MAX_DEPTH and next(v) ~= nil then return emit("{...}") end
    local keys, n = sorted_keys(v)
    if n + #keys == 0 then return emit("{}") end
    local inner = indent .. "  "
    local shown, total = 0, n + #keys
    local flat = #keys == 0 and n <= 8
    if flat then
      for i = 1, n do local x = rawget(v, i); if type(x) == "table" then flat = false; break end end
    end
    emit("{")
    local function item(prefix, x)
      shown = shown + 1
      emit(flat and (shown > 1 and ", " or " ") or ("\n" .. inner))
      emit(prefix)
      show(x, inner, depth + 1)
      if not flat then emit(",") end
    end
    for i = 1, n do
      if shown >= MAX_ITEMS then break end
      item("", rawget(v, i))
    end
    for _, k in ipairs(keys) do
      if shown >= MAX_ITEMS then break end
      local x = rawget(v, k)
      local label = is_identifier(k) and k or ("[" .. scalar(k) .. "]")
      if type(k) == "string" and SECRET[k:lower()] and type(x) == "string" then
        shown = shown + 1
        emit((flat and (shown > 1 and ", " or " ") or ("\n" .. inner)) .. label .. " = "
          .. paint("2", "<redacted>") .. (flat and "" or ","))
      else
        item(label .. " = ", x)
      end
    end
    if shown < total then
      emit((flat and " " or "\n" .. inner) .. paint("2", "-- " .. (total - shown) .. " more not shown"))
    end
    emit(flat and " }" or ("\n" .. indent .. "}"))
  end
  show(root, "", 0)
  return table.concat(out)
end

return function(...)
  local parts = {}
  for i = 1, select("#", ...) do parts[i] = inspect((select(i, ...))) end
  return table.concat(parts, "\t")
end
