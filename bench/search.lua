-- bench/search.lua: search requests as many different people.
--
--   wrk -t2 -c8 -d10s -s bench/search.lua http://127.0.0.1:PORT -- TOKENS_FILE PATHS_FILE
--
-- Each request takes the next token (one person per line of TOKENS_FILE)
-- and the next path of PATHS_FILE (bench/search-queries/*.txt), so every
-- query is asked by many people.

local tokens, paths = {}, {}
local counter = 0
local threads = 0

function setup(thread)
  thread:set("first", threads * 7919)
  threads = threads + 1
end

local function lines(file, into)
  for line in io.lines(file) do
    if #line > 0 then into[#into + 1] = line end
  end
  if #into == 0 then error("nothing in " .. file) end
end

function init(args)
  lines(args[1], tokens)
  lines(args[2], paths)
  counter = first or 0
end

function request()
  counter = counter + 1
  local token = tokens[(counter % #tokens) + 1]
  local path = paths[(counter % #paths) + 1]
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end

function done(summary, latency, requests)
  io.write(string.format("requests %d, non-2xx %d, %.0f req/s\n", summary.requests,
    summary.errors.status, summary.requests / (summary.duration / 1e6)))
  for _, p in ipairs({ 50, 90, 99, 99.9 }) do
    io.write(string.format("latency p%-4s %8.2f ms\n", p, latency:percentile(p) / 1000))
  end
end
