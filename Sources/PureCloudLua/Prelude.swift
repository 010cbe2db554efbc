/// The part of the `purecloud` module written in Lua: paging iterators over the generated methods.
/// Lua is the natural place for generic-for iterators and their closing values, and the hot path
/// (JSON -> tables) stays in C either way.
enum Prelude {
    static let source = #"""
local purecloud, methods, page_sizes = ...

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
-- n, page n + 1 is already on its way. The second return value drops a request no longer wanted.
local function entity_pages(start, finish, abandon, opts, default_size)
  opts = copy(opts)
  opts.page_size = opts.page_size or default_size
  local number = (opts.page_number or 1) - 1
  local done, ahead = false, nil
  local function request(n)
    local o = copy(opts)
    o.page_number = n
    return start(o)
  end
  local function next_page()
    if done then return nil end
    number = number + 1
    local ok, page = pcall(function()
      local handle = ahead or request(number)
      ahead = nil
      return finish(handle)
    end)
    if not ok then done = true; error(on_page(page, number), 0) end
    local count = page.entities and #page.entities or 0
    if count == 0 then done = true; return nil end
    if page.pageCount == nil or number >= page.pageCount then
      done = true
    else
      ahead = request(number + 1)
    end
    return page
  end
  local function stop()
    done = true
    if ahead then abandon(ahead); ahead = nil end
  end
  return next_page, stop
end

local function url_decode(s)
  return (s:gsub("%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end))
end

-- Pages of a search: the POST, then GET q64 of each nextPage until pageNumber reaches pageCount.
local function search_pages(api, request, opts)
  local body = copy(request)
  body.pageSize = body.pageSize or page_sizes.post_groups_search
  local q64, number, done = nil, 0, false
  return function()
    if done then return nil end
    number = number + 1
    local ok, page
    if q64 == nil then
      ok, page = pcall(api.post_groups_search, api, body)
    else
      ok, page = pcall(api.get_groups_search, api, q64, opts)
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

local function pages_of(api, operation, ...)
  local function finish(handle) return api:_finish(handle) end
  local function abandon(handle) api:_abandon(handle) end
  if operation == "get_groups" or operation == "get_profiles_groups" then
    local opts = ...
    return entity_pages(function(o) return api:_start(operation, o) end, finish, abandon, opts, page_sizes[operation])
  elseif operation == "get_group_members" then
    local group_id, opts = ...
    return entity_pages(function(o) return api:_start("get_group_members", group_id, o) end, finish, abandon, opts, page_sizes.get_group_members)
  elseif operation == "post_groups_search" then
    return search_pages(api, ...)
  end
  error("pages: '" .. tostring(operation) .. "' is not a paged operation (get_groups, get_group_members, get_profiles_groups, post_groups_search)", 3)
end

function methods:pages(operation, ...)
  local next_page, stop = pages_of(self, operation, ...)
  local closing = setmetatable({}, { __close = function()
    next_page = function() return nil end
    if stop then stop() end
  end })
  return function() return next_page() end, nil, nil, closing
end

function methods:each_group(opts)
  return items("entities", pages_of(self, "get_groups", opts))
end

function methods:each_group_member(group_id, opts)
  if type(group_id) ~= "string" then error("bad argument #1 to 'each_group_member' (string expected, got " .. type(group_id) .. ")", 2) end
  return items("entities", pages_of(self, "get_group_members", group_id, opts))
end

function methods:each_profile_group(opts)
  return items("entities", pages_of(self, "get_profiles_groups", opts))
end

function methods:each_search_result(request, opts)
  if type(request) ~= "table" then error("bad argument #1 to 'each_search_result' (GroupSearchRequest table expected, got " .. type(request) .. ")", 2) end
  return items("results", pages_of(self, "post_groups_search", request, opts))
end

function purecloud.collect(iterate, state, control, closing)
  local out = setmetatable({}, purecloud.array_mt)
  for item in iterate, state, control, closing do out[#out + 1] = item end
  return out
end
"""#
}
