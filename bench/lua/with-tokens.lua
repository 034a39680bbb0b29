-- GET BENCH_PATH as fans taking turns: each thread cycles through its share of the lines of BENCH_TOKENS
-- ("token" or "token userId"); "{userId}" in the path becomes the fan's id.
dofile(os.getenv("BENCH_LUA") .. "/report.lua")

local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  fans = {}
  local index = 0
  local path = os.getenv("BENCH_PATH")
  for line in io.lines(os.getenv("BENCH_TOKENS")) do
    if index % 2 == id then
      local token, user = string.match(line, "(%S+) ?(%S*)")
      table.insert(fans, { token = token, path = string.gsub(path, "{userId}", user) })
    end
    index = index + 1
  end
  next_fan = 1
end

function request()
  local fan = fans[next_fan]
  next_fan = next_fan % #fans + 1
  return wrk.format("GET", fan.path, { ["X-Queue-Token"] = fan.token })
end
