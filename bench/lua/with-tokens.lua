-- GET BENCH_PATH as fans taking turns: each thread cycles through its share of the tokens in BENCH_TOKENS.
dofile(os.getenv("BENCH_LUA") .. "/report.lua")

local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  tokens = {}
  local index = 0
  for line in io.lines(os.getenv("BENCH_TOKENS")) do
    if index % 2 == id then table.insert(tokens, line) end
    index = index + 1
  end
  path = os.getenv("BENCH_PATH")
  next_token = 1
end

function request()
  local token = tokens[next_token]
  next_token = next_token % #tokens + 1
  return wrk.format("GET", path, { ["X-Queue-Token"] = token })
end
