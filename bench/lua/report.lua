-- Shared by every scenario: one machine-readable line for bench/run.sh to put in its table.
function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT requests=%d rps=%.0f p50=%.1f p95=%.1f p99=%.1f errors=%d\n",
    summary.requests, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, errors))
end

-- BENCH_RATE (optional, > 0): requests a second in all, spread evenly over wrk's threads, each sent at its slot on a
-- free connection; unset, every connection sends again as soon as it is answered.
local rate = tonumber(os.getenv("BENCH_RATE") or "")
if rate and rate > 0 then
  local ffi = require("ffi")
  ffi.cdef [[
    typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
    int clock_gettime(int clock, bench_timespec *now);
  ]]
  local now = ffi.new("bench_timespec")
  local function now_ms()
    ffi.C.clock_gettime(1, now) -- CLOCK_MONOTONIC
    return tonumber(now.tv_sec) * 1000 + tonumber(now.tv_nsec) / 1e6
  end
  local interval, slot = 2 * 1000 / rate, nil -- wrk -t2
  function delay()
    local current = now_ms()
    slot = math.max(current, (slot or current) + interval)
    return math.floor(slot - current)
  end
end
