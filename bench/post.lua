-- wrk script: POST /api/v1/statuses (a new public status each time) with the bearer token in the
-- TOKEN environment variable.  wrk -t2 -c16 -d10s -s bench/post.lua http://127.0.0.1:PORT
local counter = 0
local token = os.getenv("TOKEN")
request = function()
  counter = counter + 1
  local body = "status=bench+post+" .. counter .. "+" .. math.random(1000000000) .. "&visibility=public"
  return wrk.format("POST", "/api/v1/statuses", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end
