-- The Genesys Cloud Ruby SDK's GroupsApi examples (docs/GroupsApi.md), translated to Lua line by
-- line: the same set-up, the same calls, the same rescue blocks. Only the ids are real ones (the
-- Ruby examples say "group_id_example"), so every call reaches the API.
--
-- Run against the built-in emulator:   pclua --emulator scripts/examples/sdk-parity.lua
-- or with PURECLOUD_CLIENT_ID, PURECLOUD_SECRET and PURECLOUD_ENVIRONMENT set, like the Ruby examples.

-- load the gem
local purecloud = require "purecloud"

-- setup authorization
local secret = os.getenv("PURECLOUD_SECRET")
local id = os.getenv("PURECLOUD_CLIENT_ID")
local environment = os.getenv("PURECLOUD_ENVIRONMENT") or "mypurecloud.com"
if id and secret then
  local authToken = purecloud.authenticate_with_client_credentials(id, secret, environment)
  purecloud.configure{ access_token = authToken }
end -- under `pclua --emulator` the module is configured already

local api_instance = purecloud.GroupsApi.new()

-- Each example below is the Ruby `begin ... rescue PureCloud::ApiError => e ... end` block.
local function example(operation, block)
  local ok, e = pcall(block)
  if not ok then
    print("Exception when calling GroupsApi->" .. operation .. ": " .. tostring(e))
    error(e, 0)
  end
end

-- post_groups
local body = purecloud.GroupCreate.new() -- GroupCreate | Group
body.name = "SDK parity " .. os.time()
body.type = "official"
body.visibility = "public"
body.rulesVisible = true
local group
example("post_groups", function()
  --Create a group
  group = api_instance:post_groups(body)
  print("post_groups: " .. group.name .. " version " .. group.version)
end)
local group_id = group.id -- String | Group ID

-- get_groups
local opts = {
  page_size = 25, -- Integer | Page size
  page_number = 1, -- Integer | Page number
  id = { group_id }, -- Array<String> | id's
  sort_order = "ASC" -- String | Ascending or descending sort order
}
example("get_groups", function()
  --Get a group list
  local result = api_instance:get_groups(opts)
  print("get_groups: " .. result.total .. " found")
end)

-- get_group
example("get_group", function()
  --Get group
  local result = api_instance:get_group(group_id)
  print("get_group: " .. result.name)
end)

-- post_group_members
local users = api_instance:get_group_members(api_instance:get_groups{ page_size = 1, page_number = 1 }.entities[1].id, { page_size = 3 }).entities
body = purecloud.GroupMembersUpdate.new() -- GroupMembersUpdate | Add members
body.memberIds = { users[1].id, users[2].id, users[3].id }
body.version = api_instance:get_group(group_id).version
example("post_group_members", function()
  --Add members
  api_instance:post_group_members(group_id, body)
  print("post_group_members: accepted")
end)

-- get_group_members
opts = {
  page_size = 25, -- Integer | Page size
  page_number = 1, -- Integer | Page number
  sort_order = "ASC", -- String | Ascending or descending sort order
  expand = { "presence" } -- Array<String> | Which fields, if any, to expand
}
example("get_group_members", function()
  --Get group members, includes individuals, owners, and dynamically included people
  local result = api_instance:get_group_members(group_id, opts)
  print("get_group_members: " .. result.total .. " members")
end)

-- get_group_individuals
example("get_group_individuals", function()
  --Get all individuals associated with the group
  local result = api_instance:get_group_individuals(group_id)
  print("get_group_individuals: " .. result.total .. " individuals")
end)

-- put_group
opts = {
  body = purecloud.GroupUpdate.new{ version = api_instance:get_group(group_id).version, description = "updated from Lua" } -- GroupUpdate | Group
}
example("put_group", function()
  --Update group
  local result = api_instance:put_group(group_id, opts)
  print("put_group: version " .. result.version)
end)

-- get_group_profile
opts = {
  fields = "name" -- String | Comma separated fields to return.
}
example("get_group_profile", function()
  --Get group profile
  local result = api_instance:get_group_profile(group_id, opts)
  print("get_group_profile: " .. result.name)
end)

-- get_profiles_groups
opts = {
  page_size = 25, -- Integer | Page size
  page_number = 1, -- Integer | Page number
  id = { group_id }, -- Array<String> | id's
  sort_order = "ASC" -- String | Ascending or descending sort order
}
example("get_profiles_groups", function()
  --Get group profile listing
  local result = api_instance:get_profiles_groups(opts)
  print("get_profiles_groups: " .. result.total .. " found")
end)

-- get_fieldconfig
local type = "group" -- String | Field type
example("get_fieldconfig", function()
  --Fetch field config for an entity type
  local result = api_instance:get_fieldconfig(type)
  print("get_fieldconfig: " .. result.entityType)
end)

-- post_groups_search
body = purecloud.GroupSearchRequest.new{ -- GroupSearchRequest | Search request options
  query = { { type = "EXACT", fields = { "name" }, value = group.name } }
}
local found
example("post_groups_search", function()
  --Search groups
  found = api_instance:post_groups_search(body)
  print("post_groups_search: " .. found.total .. " found")
end)

-- get_groups_search
local q64 = found.currentPage:match("q64=(.+)$") -- String | q64
opts = {
  expand = {} -- Array<String> | Search results to expand
}
example("get_groups_search", function()
  --Search groups using the q64 value returned from a previous search
  local result = api_instance:get_groups_search(q64, opts)
  print("get_groups_search: page " .. result.pageNumber)
end)

-- delete_group_members
local ids = users[1].id .. "," .. users[2].id -- String | Comma separated list of userIds to remove.
example("delete_group_members", function()
  --Remove members
  api_instance:delete_group_members(group_id, ids)
  print("delete_group_members: accepted")
end)

-- delete_group
example("delete_group", function()
  --Delete group
  api_instance:delete_group(group_id)
  print("delete_group: done")
end)

local ok, e = pcall(api_instance.get_group, api_instance, group_id)
print("after delete: " .. (ok and "still there" or e.status))
