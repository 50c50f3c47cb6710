-- Mixed load for bench/scale_out.sh: 70% home timeline, 10% local public timeline, 20% new
-- statuses (form-encoded, as apps post). TOKEN comes from the environment.
local token = os.getenv("TOKEN")
local counter = 0
request = function()
  counter = counter + 1
  local headers = { ["Authorization"] = "Bearer " .. token }
  local pick = counter % 10
  if pick < 7 then
    return wrk.format("GET", "/api/v1/timelines/home", headers)
  elseif pick < 8 then
    return wrk.format("GET", "/api/v1/timelines/public?local=true", headers)
  end
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  return wrk.format("POST", "/api/v1/statuses", headers, "status=bench+post+" .. counter)
end
