-- wrk script: POST /api/v1/statuses (a new public status each time) with the bearer token in the
-- TOKEN environment variable.  wrk -t2 -c16 -d10s -s bench/post.lua http://127.0.0.1:PORT
-- POST_LINK (optional, URL-encoded): a link every status carries (its preview card is fetched by
-- a job: give an address that fails at once, e.g. http%3A%2F%2F127.0.0.1%3A9%2Fpage).
local counter = 0
local token = os.getenv("TOKEN")
local link = os.getenv("POST_LINK")
request = function()
  counter = counter + 1
  local body = "status=bench+post+" .. counter .. "+" .. math.random(1000000000)
  if link and link ~= "" then body = body .. "+" .. link end
  body = body .. "&visibility=public"
  return wrk.format("POST", "/api/v1/statuses", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end
