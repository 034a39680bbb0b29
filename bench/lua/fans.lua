-- Shared by the scripts that act as admitted fans. BENCH_FANS holds "token userId [reservationId price]" lines,
-- split between wrk's two threads. Answers are counted: the expected status, the expected refusal, and anything
-- else (the first few printed), and done() prints them in a COUNTS line beside the shared RESULT line.
-- BENCH_ONCE (optional): each fan acts once; after that only health probes, which are not counted.
dofile(os.getenv("BENCH_LUA") .. "/report.lua")

threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function load_fans()
  local fans, index = {}, 0
  for line in io.lines(os.getenv("BENCH_FANS")) do
    if index % 2 == id then
      local token, user, reservation, price = string.match(line, "(%S+) (%S+) ?(%S*) ?(%S*)")
      table.insert(fans, { token = token, user = user, reservation = reservation, price = price })
    end
    index = index + 1
  end
  created, refused, failed = 0, 0, 0
  once, next_fan_index, used = os.getenv("BENCH_ONCE") ~= nil, 1, 0
  return fans
end

-- The next fan in turn, or nil when BENCH_ONCE is set and every fan has had its turn. wrk calls request() of
-- thread 0 once more, before the run, to verify it, and never sends that request: no fan is spent on it.
function take_fan(fans)
  if id == 0 and not verified then verified = true; return nil end
  if once and used >= #fans then return nil end
  local fan = fans[next_fan_index]
  next_fan_index = next_fan_index % #fans + 1
  used = used + 1
  return fan
end

function probe()
  return wrk.format("GET", "/health/live")
end

function count(status, body, expected, refusal)
  if once and string.sub(body, 1, 1) ~= "{" then return end -- a health probe
  if status == expected then created = created + 1
  elseif status == refusal then refused = refused + 1
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
