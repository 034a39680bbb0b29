-- POST /waiting/issue for a new fan every time.
dofile(os.getenv("BENCH_LUA") .. "/report.lua")

local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("seed", counter * 7919 + os.time())
end

function init(args)
  math.randomseed(seed)
end

local function uuid()
  return (string.gsub("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", "[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

function request()
  return wrk.format("POST", "/waiting/issue", { ["Content-Type"] = "application/json" },
    '{"userId":"' .. uuid() .. '"}')
end
