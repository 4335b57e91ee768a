-- wrk script: authenticated application submissions through the GovStack Registration API.
-- Each request has its own Idempotency-Key (thread number, counter, a random salt), so every one
-- is a new application: checked, stored, its case started and written to the ledger.
-- `id` is set per thread by setup() (a global of the thread's Lua state: no `local` here, or it
-- would hide it and every thread would send the same keys).
local threads = {}
local counter = 0
local salt = 0

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + (id or 0) * 7919)
  salt = math.random(1, 1000000000)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
end

-- The demo's three citizens, or every PIN of the file named by PINS (one per line), so that
-- applications spread over many applicants as they would in a country.
local applicants = { "20303198500231", "11207199000417", "22511197901022" }
local pins = os.getenv("PINS")
if pins and pins ~= "" then
  applicants = {}
  for line in io.lines(pins) do
    if line ~= "" then table.insert(applicants, line) end
  end
end
local crops = { "wheat", "barley", "potato" }

function request()
  counter = counter + 1
  wrk.headers["Idempotency-Key"] = string.format("bench-%d-%d-%d", id, salt, counter)
  local body = string.format('{"applicantId":"%s","formData":{"crop":"%s","irrigated":"yes","hectares":%d}}',
    applicants[math.random(1, #applicants)], crops[counter % 3 + 1], 1 + counter % 40)
  return wrk.format(nil, nil, nil, body)
end
