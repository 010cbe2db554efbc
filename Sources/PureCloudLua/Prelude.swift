/// The part of the `purecloud` module written in Lua: paging iterators over the generated methods,
/// made for every API from the operation table's paging facts (`apis[name].paged[operation]` =
/// { iterator, key, page_size, positional, body_model, next_page }). Lua is the natural place for
/// generic-for iterators and their closing values, and the hot path (JSON -> tables) stays in C.
enum Prelude {
    static let source = #"""
local purecloud, apis = ...

local function copy(t)
  local c = {}
  if t ~= nil then
    if type(t) ~= "table" then error("options table expected, got " .. type(t), 3) end
    for k, v in pairs(t) do c[k] = v end
  end
  return c
end

-- An error in the middle of paging names the page it happened on.
local function on_page(err, number)
  if purecloud.ApiError.is(err) then
    err.page = number
    err.message = "page " .. number .. ": " .. tostring(err.message)
    return err
  end
  return "page " .. number .. ": " .. tostring(err)
end

-- Pages of an entity listing (entities, pageNumber, pageCount). start(opts) sends the request for
-- one page and returns a handle, finish(handle) waits for it: while the script works through page
-- n, pages n + 1 and n + 2 are already on their way (two, so that decoding a page overlaps the
-- transfer of the next; the transport's --concurrency still bounds what is in flight). The second
-- return value drops the requests no longer wanted.
local AHEAD = 2
local function entity_pages(start, finish, abandon, opts, default_size)
  opts = copy(opts)
  opts.page_size = opts.page_size or default_size
  local number = (opts.page_number or 1) - 1
  local done, ahead = false, {}   -- ahead[i]: the request for page number + i
  local function request(n)
    local o = copy(opts)
    o.page_number = n
    return start(o)
  end
  local function drop()
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
    if count == 0 or page.pageCount == nil or number >= page.pageCount then
      done = true
      drop()
      if count == 0 then return nil end
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
  local q64, number, done = nil, 0, false
  return function()
    if done then return nil end
    number = number + 1
    local ok, page
    if q64 == nil then
      ok, page = pcall(methods[operation], api, body)
    else
      ok, page = pcall(methods[spec.next_page], api, q64, opts)
    end
    if not ok then done = true; error(on_page(page, number), 0) end
    if page.results == nil or #page.results == 0 then done = true; return nil end
    local next_page = page.nextPage and page.nextPage:match("[?&]q64=([^&]+)")
    if next_page == nil or page.pageCount == nil or page.pageNumber >= page.pageCount then
      done = true
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
    return entity_pages(start, finish, abandon, opts, spec.page_size)
  end

  function methods:pages(operation, ...)
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
      for i = 1, spec.positional do
        local value = select(i, ...)
        local expected = spec.body_model and "table" or "string"
        if type(value) ~= expected then
          error("bad argument #" .. i .. " to '" .. name .. "' (" .. (spec.body_model and spec.body_model .. " table" or "string")
            .. " expected, got " .. type(value) .. ")", 2)
        end
      end
      return items(spec.key, pages_of(self, operation, ...))
    end
  end
end

function purecloud.collect(iterate, state, control, closing)
  local out = setmetatable({}, purecloud.array_mt)
  for item in iterate, state, control, closing do out[#out + 1] = item end
  return out
end
"""#
}
