-- POST /reservations by admitted fans (BENCH_FANS), a fresh Idempotency-Key each time.
-- BENCH_SCHEDULES: "concertId:scheduleId" pairs.
-- BENCH_MODE=storm: random seats 1..50 of the first schedule.
-- BENCH_MODE=distinct: every request a seat nobody asked for yet, over all the schedules.
-- BENCH_OUT (optional): "token userId reservationId price" of every hold made, to BENCH_OUT.<thread>.
dofile(os.getenv("BENCH_LUA") .. "/fans.lua")

function init(args)
  fans = load_fans()
  token_of = {}
  for _, fan in ipairs(fans) do token_of[fan.user] = fan.token end
  schedules = {}
  for c, s in string.gmatch(os.getenv("BENCH_SCHEDULES"), "(%d+):(%d+)") do
    table.insert(schedules, { concert = c, schedule = s })
  end
  mode = os.getenv("BENCH_MODE")
  if os.getenv("BENCH_OUT") then out = io.open(os.getenv("BENCH_OUT") .. "." .. id, "a") end
  math.randomseed(os.time() + id * 7919)
  next_seat, sent = id + tonumber(os.getenv("BENCH_SEAT_OFFSET") or "0"), 0
end

function request()
  local fan = take_fan(fans)
  if not fan then return probe() end
  local target, seat
  if mode == "storm" then
    target, seat = schedules[1], math.random(1, 50)
  else
    target = schedules[(math.floor(next_seat / 50) % #schedules) + 1]
    seat = next_seat % 50 + 1
    next_seat = next_seat + 2
  end
  sent = sent + 1
  return wrk.format("POST", "/reservations", {
    ["Content-Type"] = "application/json",
    ["X-Queue-Token"] = fan.token,
    ["Idempotency-Key"] = id .. "-" .. sent .. "-" .. math.random(1, 1000000000),
  }, '{"userId":"' .. fan.user .. '","concertId":' .. target.concert .. ',"scheduleId":' .. target.schedule
    .. ',"seatNumber":' .. seat .. '}')
end

function response(status, headers, body)
  count(status, body, 201, 409)
  if out and status == 201 then
    local user = string.match(body, '"userId":"([^"]+)"')
    out:write(token_of[user] .. " " .. user .. " " .. string.match(body, '"reservationId":(%d+)') .. " "
      .. string.match(body, '"price":(%d+)') .. "\n")
  end
end
