-- POST /reservations by admitted fans (BENCH_FANS: "token userId" lines), a fresh Idempotency-Key each time.
-- BENCH_SCHEDULES: "concertId:scheduleId" pairs.
-- BENCH_MODE=storm: random seats 1..50 of the first schedule.
-- BENCH_MODE=distinct: every request a seat nobody asked for yet, over all the schedules.
-- Counts answers by status and prints them with the shared RESULT line.
dofile(os.getenv("BENCH_LUA") .. "/report.lua")

local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  fans = {}
  local index = 0
  for line in io.lines(os.getenv("BENCH_FANS")) do
    if index % 2 == id then
      local token, user = string.match(line, "(%S+) (%S+)")
      table.insert(fans, { token = token, user = user })
    end
    index = index + 1
  end
  schedules = {}
  for c, s in string.gmatch(os.getenv("BENCH_SCHEDULES"), "(%d+):(%d+)") do
    table.insert(schedules, { concert = c, schedule = s })
  end
  mode = os.getenv("BENCH_MODE")
  math.randomseed(os.time() + id * 7919)
  next_fan, next_seat, sent = 1, id + tonumber(os.getenv("BENCH_SEAT_OFFSET") or "0"), 0
  created, refused, failed = 0, 0, 0
end

function request()
  local fan = fans[next_fan]
  next_fan = next_fan % #fans + 1
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
  if status == 201 then created = created + 1
  elseif status == 409 then refused = refused + 1
  else
    failed = failed + 1
    if failed <= 3 then io.stderr:write("unexpected " .. status .. ": " .. body .. "\n") end
  end
end

local base_done = done
function done(summary, latency, requests)
  local c, r, f = 0, 0, 0
  for _, thread in ipairs(threads) do
    c = c + thread:get("created"); r = r + thread:get("refused"); f = f + thread:get("failed")
  end
  io.write(string.format("COUNTS created=%d refused=%d other=%d\n", c, r, f))
  base_done(summary, latency, requests)
end
