-- POST /waiting/issue for new fans, saving "token userId" lines to BENCH_OUT.<thread>.
-- BENCH_LIMIT (optional): at most that many fans in all; after them only health probes, which are not saved.
dofile(os.getenv("BENCH_LUA") .. "/issue.lua")

local ids = 0
local base_setup = setup
function setup(thread)
  base_setup(thread)
  ids = ids + 1
  thread:set("out_id", ids)
end

local base_init = init
function init(args)
  base_init(args)
  out = io.open(os.getenv("BENCH_OUT") .. "." .. out_id, "a")
  limit = tonumber(os.getenv("BENCH_LIMIT") or "")
  if limit then limit = math.floor(limit / 2) end -- wrk -t2
  sent = 0
end

-- wrk calls request() of its first thread once more, before the run, to verify it, and never sends that request.
local base_request = request
function request()
  if out_id == 1 and not verified then verified = true; return base_request() end
  if limit and sent >= limit then return wrk.format("GET", "/health/live") end
  sent = sent + 1
  return base_request()
end

function response(status, headers, body)
  local token = string.match(body, '"token":"([^"]+)"')
  local user = string.match(body, '"userId":"([^"]+)"')
  if token and user then out:write(token .. " " .. user .. "\n"); out:flush() end
end
