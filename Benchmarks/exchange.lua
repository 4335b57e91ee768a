-- wrk script: reads of a resident's population record, either directly from the registry's own
-- API on the provider's node (MODE=direct) or through the exchange: the client's node, the
-- provider's node, the same registry (MODE=relay). PINs from the file PINS, one per line.
local pins = {}
for line in io.lines(os.getenv("PINS")) do
  if line ~= "" then table.insert(pins, line) end
end
local mode = os.getenv("MODE")
local purpose = "purpose=Tax%20Code%2C%20art.%2045"

function init(args)
  math.randomseed(os.time() + math.random(1, 100000))
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
  if mode == "direct" then
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
    wrk.headers["Information-Mediator-Client"] = "KG/GOV/SRS/bench"
  else
    wrk.method = "GET"
    wrk.headers["X-Road-Client"] = "KG/GOV/70000002/TAXSYS"
  end
end

function request()
  local pin = pins[math.random(1, #pins)]
  if mode == "direct" then
    return wrk.format(nil, "/data/population/1/read?" .. purpose, nil,
      '{"query":{"content":{"pin":"' .. pin .. '"}}}')
  end
  return wrk.format(nil, "/r1/KG/GOV/70000001/POPULATION/people/1/" .. pin .. "?" .. purpose)
end
