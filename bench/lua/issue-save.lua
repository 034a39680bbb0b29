-- POST /waiting/issue for new fans, saving "token userId" lines to BENCH_OUT.<thread>.
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
end

function response(status, headers, body)
  local token = string.match(body, '"token":"([^"]+)"')
  local user = string.match(body, '"userId":"([^"]+)"')
  if token and user then out:write(token .. " " .. user .. "\n"); out:flush() end
end
