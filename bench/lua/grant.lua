-- PATCH /admin/users/{userId}/grant of BENCH_AMOUNT for each fan of BENCH_FANS in turn (X-Admin-Key BENCH_ADMIN_KEY).
dofile(os.getenv("BENCH_LUA") .. "/fans.lua")

function init(args)
  fans = load_fans()
  body = '{"amount":' .. os.getenv("BENCH_AMOUNT") .. '}'
end

function request()
  local fan = take_fan(fans)
  if not fan then return probe() end
  return wrk.format("PATCH", "/admin/users/" .. fan.user .. "/grant", {
    ["Content-Type"] = "application/json",
    ["X-Admin-Key"] = os.getenv("BENCH_ADMIN_KEY"),
  }, body)
end

function response(status, headers, body)
  count(status, body, 200, 0)
end
