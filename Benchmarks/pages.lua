-- wrk script: anonymous reads across the modules, one address after another, as visitors spread
-- over the portal would: pages, the open-data API (CKAN search and datastore), the ledger, alerts.
-- The addresses come from the file PAGES, one path per line (Benchmarks/soak.sh writes it).
local paths = {}
for line in io.lines(os.getenv("PAGES")) do
  if line ~= "" then table.insert(paths, line) end
end
local next_path = 0

function init(args)
  next_path = math.random(0, #paths - 1)
  wrk.headers["Accept-Language"] = "ky"
end

function request()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end
