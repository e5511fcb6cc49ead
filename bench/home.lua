-- bench/home.lua: the home stream (20 posts) as many different people.
--
--   wrk -t2 -c64 -d20s -s bench/home.lua http://127.0.0.1:8080 -- TOKENS_FILE [PATH]
--
-- TOKENS_FILE holds one bearer token per line (`moka demo --tokens FILE`);
-- it may also come from the TOKENS environment variable. Each request uses
-- the next token, each wrk thread starting at a different place, so the
-- load spreads over every person in the file. PATH (default
-- /api/v1/timelines/home) lets the same script drive another stream.

local requests = {} -- one per token, formatted once in init()
local counter = 0
local path = "/api/v1/timelines/home"
local threads = 0

function setup(thread)
  thread:set("first", threads * 7919)
  threads = threads + 1
end

function init(args)
  local file = args[1] or os.getenv("TOKENS") or "bench/tokens.txt"
  if args[2] then path = args[2] end
  for line in io.lines(file) do
    if #line > 0 then
      requests[#requests + 1] = wrk.format("GET", path, { ["Authorization"] = "Bearer " .. line })
    end
  end
  if #requests == 0 then error("no tokens in " .. file) end
  counter = first or 0
end

-- The requests are built once: formatting one per call cost wrk 5-10 µs
-- of the CPU it shares with the server (0.053 -> 0.043 ms per page).
function request()
  counter = counter + 1
  return requests[(counter % #requests) + 1]
end

-- No response() function: with one, wrk hands every body (43 KB for a
-- home page) to Lua as a string, CPU the load generator takes from the
-- server on a shared machine; wrk counts non-2xx answers itself
-- (summary.errors.status), as for bench/health.lua.

function done(summary, latency, requests)
  io.write(string.format("requests %d, non-2xx %d, %.0f req/s\n", summary.requests,
    summary.errors.status, summary.requests / (summary.duration / 1e6)))
  for _, p in ipairs({ 50, 90, 99, 99.9 }) do
    io.write(string.format("latency p%-4s %8.2f ms\n", p, latency:percentile(p) / 1000))
  end
end
