local purecloud, hooks, apis = ...

-- A progress line (on a terminal) for listings of more than one page: "groups 1,500/20,000".
-- `seen` counts the items so far; the first page starts a new line, the last one clears it.
local function show_progress(label, page, first, seen)
  if math.type(page.pageCount) == "integer" and page.pageCount > 1 then
    hooks.progress(label, seen, math.type(page.total) == "integer" and page.total or nil, first)
  end
end

local function copy(t)
  local c = {}
  if t ~= nil then
    if type(t) ~= "table" then error("options table expected, got " .. type(t), 3) end
    for k, v in pairs(t) do c[k] = v end
  end
  return c
end

-- An error in the middle of paging names the page it happened on, and keeps its kind (a message
-- for a person stays one). Not for an interrupt (Ctrl-C is not the page's fault) nor for a refused
-- sign-in (no page was read).
local function on_page(err, number)
  if purecloud.ApiError.is(err) then
    err.page = number
    if err.operation ~= "authenticate" then
      err.message = "page " .. number .. ": " .. tostring(err.message)
    end
    return err
  end
  local kind = hooks.error_kind(err)
  if kind == hooks.interrupt_kind then return err end
  return hooks.mark_error("page " .. number .. ": " .. tostring(err), kind)
end

-- A method called with a dot (api.each_group()) says so at the caller's line, as the generated
-- methods do.
local function check_self(api, self, name)
  if getmetatable(self) ~= api.metatable then
    error("bad argument #1 to '" .. name .. "' (" .. api.class .. " expected, got " .. type(self)
      .. "; call it with a colon: " .. api.variable .. ":" .. name .. "(...))", 3)
  end
end

-- Pages of an entity listing (entities, pageNumber, pageCount). start(opts) sends the request for
-- one page and returns a handle, finish(handle) waits for it: while the script works through page
-- n, pages n + 1 and n + 2 are already on their way (two, so that decoding a page overlaps the
-- transfer of the next; the transport's --concurrency still bounds what is in flight). The second
-- return value drops the requests no longer wanted.
local AHEAD = 2
local function entity_pages(start, finish, abandon, opts, default_size, label)
  opts = copy(opts)
  opts.page_size = opts.page_size or default_size
  local number = (opts.page_number or 1) - 1
  local done, ahead, seen = false, {}, 0   -- ahead[i]: the request for page number + i
  local function request(n)
    local o = copy(opts)
    o.page_number = n
    return start(o)
  end
  local function drop()
    hooks.clear()
    for i = #ahead, 1, -1 do abandon(ahead[i]); ahead[i] = nil end
  end
  local function next_page()
    if done then return nil end
    number = number + 1
    local ok, page = pcall(function()
      local handle = table.remove(ahead, 1) or request(number)
      return finish(handle)
    end)
    if not ok then done = true; drop(); error(on_page(page, number), 0) end
    local count = page.entities and #page.entities or 0
    if count == 0 then done = true; drop(); return nil end
    seen = seen + count
    show_progress(label, page, seen == count, seen)
    if page.pageCount == nil or number >= page.pageCount then
      done = true
      drop()
    else
      while #ahead < AHEAD and number + #ahead < page.pageCount do
        ahead[#ahead + 1] = request(number + #ahead + 1)
      end
    end
    return page
  end
  local function stop()
    done = true
    drop()
  end
  return next_page, stop
end

local function url_decode(s)
  return (s:gsub("%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end))
end

-- Pages of a search: the POST, then GET q64 of each nextPage until pageNumber reaches pageCount.
local function search_pages(api, methods, spec, operation, request, opts)
  local body = copy(request)
  body.pageSize = body.pageSize or spec.page_size
  local q64, number, done, seen = nil, 0, false, 0
  return function()
    if done then return nil end
    number = number + 1
    local ok, page
    if q64 == nil then
      ok, page = pcall(methods[operation], api, body)
    else
      ok, page = pcall(methods[spec.next_page], api, q64, opts)
    end
    if not ok then done = true; hooks.clear(); error(on_page(page, number), 0) end
    if page.results == nil or #page.results == 0 then done = true; hooks.clear(); return nil end
    seen = seen + #page.results
    show_progress(spec.iterator, page, number == 1, seen)
    local next_page = page.nextPage and page.nextPage:match("[?&]q64=([^&]+)")
    if next_page == nil or page.pageCount == nil or page.pageNumber >= page.pageCount then
      done = true
      hooks.clear()
    else
      q64 = url_decode(next_page)
    end
    return page
  end
end

-- Items of pages: one page in memory at a time (and the next one on its way); `break` runs the
-- closing value, which drops both.
local function items(key, next_page, stop)
  local page, i = nil, 0
  local function iterate()
    while true do
      if page ~= nil then
        i = i + 1
        local item = page[key][i]
        if item ~= nil then return item end
      end
      page, i = next_page(), 0
      if page == nil then return nil end
    end
  end
  local closing = setmetatable({}, { __close = function()
    page = nil
    next_page = function() return nil end
    if stop then stop() end
  end })
  return iterate, nil, nil, closing
end

local function sorted_names(paged)
  local names = {}
  for name in pairs(paged) do names[#names + 1] = name end
  table.sort(names)
  return table.concat(names, ", ")
end

-- Every API gets pages(operation, ...) and one iterator per paged operation, from its table entry.
for _, api in pairs(apis) do
  local methods, paged = api.methods, api.paged
  local api_info = api

  local function pages_of(self, operation, ...)
    local spec = paged[operation]
    if spec == nil then
      error("pages: '" .. tostring(operation) .. "' is not a paged operation (" .. sorted_names(paged) .. ")", 3)
    end
    if spec.next_page then
      local request, opts = ...
      return search_pages(self, methods, spec, operation, request, opts)
    end
    local args = table.pack(...)
    local n = spec.positional
    local opts = args[n + 1]
    local function start(o)
      local call = { table.unpack(args, 1, n) }
      call[n + 1] = o
      return self:_start(operation, table.unpack(call, 1, n + 1))
    end
    local function finish(handle) return self:_finish(handle) end
    local function abandon(handle) self:_abandon(handle) end
    return entity_pages(start, finish, abandon, opts, spec.page_size, spec.iterator)
  end

  function methods:pages(operation, ...)
    check_self(api_info, self, "pages")
    local next_page, stop = pages_of(self, operation, ...)
    local closing = setmetatable({}, { __close = function()
      next_page = function() return nil end
      if stop then stop() end
    end })
    return function() return next_page() end, nil, nil, closing
  end

  for operation, spec in pairs(paged) do
    local name = spec.iterator
    methods[name] = function(self, ...)
      check_self(api_info, self, name)
      for i = 1, spec.positional do
        local value = select(i, ...)
        local expected = spec.body_model and "table" or "string"
        if type(value) ~= expected then
          error("bad argument #" .. i .. " to '" .. name .. "' ("
            .. (spec.body_model and spec.body_model .. " table" or "string")
            .. " expected, got " .. type(value) .. ")", 2)
        end
      end
      return items(spec.key, pages_of(self, operation, ...))
    end
  end
end

-- purecloud.table(rows, columns): an aligned table of chosen columns, cut to the terminal's width,
-- as admins read groups in the web UI. rows: a page, an array of entities, or collect(...).
local function cell(row, column)
  local value = row
  for part in column:gmatch("[^.]+") do
    if type(value) ~= "table" then return nil end
    value = rawget(value, tonumber(part) or part)
  end
  return value
end

local function shown(value)
  if value == nil or value == purecloud.null then return "" end
  if type(value) == "table" then
    if getmetatable(value) == purecloud.array_mt or #value > 0 then return "[" .. #value .. "]" end
    return "{...}"
  end
  return (tostring(value):gsub("%c", " "))
end

local function width(text) return utf8.len(text) or #text end

local function cut(text, n)
  if width(text) <= n then return text end
  if n < 1 then return "" end
  local stop = utf8.len(text) and utf8.offset(text, n) or n
  return text:sub(1, stop - 1) .. (utf8.len(text) and "\u{2026}" or "~")
end

local function pad(text, n, right)
  local gap = string.rep(" ", n - width(text))
  return right and gap .. text or text .. gap
end

function purecloud.table(rows, columns)
  if type(rows) ~= "table" then
    error("bad argument #1 to 'table' (a page, an array of entities or collect(...) expected, got "
      .. type(rows) .. ")", 2)
  end
  rows = rawget(rows, "entities") or rawget(rows, "results") or rows
  if columns ~= nil and type(columns) ~= "table" then
    error("bad argument #2 to 'table' (array of column names expected, got " .. type(columns) .. ")", 2)
  end
  if columns == nil then
    columns = {}
    local first = rows[1]
    if type(first) == "table" then
      for k, v in pairs(first) do
        local t = type(v)
        if type(k) == "string" and (t == "string" or t == "number" or t == "boolean") then columns[#columns + 1] = k end
      end
      table.sort(columns, function(a, b)
        local order = { id = 2, name = 1 }
        if (order[a] or 3) ~= (order[b] or 3) then return (order[a] or 3) < (order[b] or 3) end
        return a < b
      end)
    end
  end
  for i, column in ipairs(columns) do
    if type(column) ~= "string" then
      error("bad argument #2 to 'table' (column " .. i .. " must be a string, got " .. type(column) .. ")", 2)
    end
  end
  local texts, widths, numeric = {}, {}, {}
  for c, column in ipairs(columns) do widths[c] = width(column); numeric[c] = true end
  for r, row in ipairs(rows) do
    if type(row) ~= "table" then
      error("bad argument #1 to 'table' (row " .. r .. " is a " .. type(row) .. ", not an entity)", 2)
    end
    local line = {}
    for c, column in ipairs(columns) do
      local value = cell(row, column)
      line[c] = shown(value)
      if value ~= nil and value ~= purecloud.null and type(value) ~= "number" then numeric[c] = false end
      if width(line[c]) > widths[c] then widths[c] = width(line[c]) end
    end
    texts[r] = line
  end
  -- Narrow the widest column until the table fits; drop the last columns if even that is not enough.
  local limit = hooks.columns()
  local count = #columns
  -- Each column keeps at least 10 characters (or its whole width when narrower): the columns on
  -- the right that do not fit so are left out, then the widest ones are narrowed, one character
  -- at a time from the widest (the leftmost of equals first), computed in one pass over the
  -- columns sorted by width, so that 100,000 columns take a moment, not minutes.
  local used = 0
  for c = 1, count do
    local need = math.min(widths[c], 10) + (c > 1 and 2 or 0)
    if c > 1 and used + need > limit then count = c - 1; break end
    used = used + need
  end
  local sum = 0
  for c = 1, count do sum = sum + widths[c] + (c > 1 and 2 or 0) end
  local excess = sum - limit
  if excess > 0 then
    local order = {}
    for c = 1, count do order[c] = c end
    table.sort(order, function(a, b) if widths[a] ~= widths[b] then return widths[a] > widths[b] end return a < b end)
    -- Lower the widest k columns together to the next width down until `excess` characters are
    -- gone (no column goes below 1, as before).
    local k = 0
    while excess > 0 and k < count do
      k = k + 1
      local level = widths[order[k]]
      if level <= 1 then break end
      local below = math.max(k < count and widths[order[k + 1]] or 1, 1)
      local room = (level - below) * k
      if room >= excess then
        local full, rest = excess // k, excess % k
        -- One character at a time took the leftmost of equals first: those go one lower.
        local at = {}
        for i = 1, k do at[i] = order[i] end
        table.sort(at)
        for i = 1, k do widths[at[i]] = level - full - (i <= rest and 1 or 0) end
        excess = 0
      else
        excess = excess - room
        for i = 1, k do widths[order[i]] = below end
      end
    end
  end
  local function render(line, header)
    local parts = {}
    for c = 1, count do parts[c] = pad(cut(line[c], widths[c]), widths[c], numeric[c] and not header) end
    return (table.concat(parts, "  "):gsub("%s+$", ""))
  end
  local out = { render(columns, true) }
  local rule = {}
  for c = 1, count do rule[c] = string.rep("-", widths[c]) end
  out[2] = table.concat(rule, "  ")
  for r = 1, #texts do out[#out + 1] = render(texts[r]) end
  out[#out + 1] = "(" .. #texts .. " row" .. (#texts == 1 and "" or "s") ..
    (count < #columns and "; " .. (#columns - count) .. " column" .. (#columns - count == 1 and "" or "s")
      .. " did not fit" or "") .. ")"
  print(table.concat(out, "\n"))
end

function purecloud.collect(iterate, state, control, closing)
  local out = setmetatable({}, purecloud.array_mt)
  for item in iterate, state, control, closing do out[#out + 1] = item end
  return out
end
