-- PATCH /users/{userId}/charge of BENCH_AMOUNT by admitted fans (BENCH_FANS) taking turns, a fresh key each time.
dofile(os.getenv("BENCH_LUA") .. "/fans.lua")

function init(args)
  fans = load_fans()
  body = '{"amount":' .. os.getenv("BENCH_AMOUNT") .. '}'
  math.randomseed(os.time() + id * 7919)
  sent = 0
end

function request()
  local fan = take_fan(fans)
  if not fan then return probe() end
  sent = sent + 1
  return wrk.format("PATCH", "/users/" .. fan.user .. "/charge", {
    ["Content-Type"] = "application/json",
    ["X-Queue-Token"] = fan.token,
    ["Idempotency-Key"] = id .. "-" .. sent .. "-" .. math.random(1, 1000000000),
  }, body)
end

function response(status, headers, body)
  count(status, body, 200, 400)
end
