-- POST /payments: each line of BENCH_FANS ("token userId reservationId price", a hold of its own) paid once,
-- in order; a line paid twice would answer 409 or 401 and count as an error.
dofile(os.getenv("BENCH_LUA") .. "/fans.lua")

function init(args)
  fans = load_fans()
end

function request()
  local fan = take_fan(fans)
  if not fan then return probe() end
  return wrk.format("POST", "/payments", {
    ["Content-Type"] = "application/json",
    ["X-Queue-Token"] = fan.token,
    ["Idempotency-Key"] = "pay-" .. fan.reservation,
  }, '{"reservationId":' .. fan.reservation .. ',"amount":' .. fan.price .. '}')
end

function response(status, headers, body)
  count(status, body, 201, 402)
end
