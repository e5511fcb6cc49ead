-- bench/post.lua: post creation (POST /api/v1/statuses) as many people.
--
--   wrk -t2 -c32 -d20s -s bench/post.lua http://127.0.0.1:8080 -- TOKENS_FILE
--
-- TOKENS_FILE holds one bearer token per line (or the TOKENS environment
-- variable names it). Each request posts as the next person in the file,
-- a short public status with a hashtag, so every post goes through text
-- rendering, the store, the post index and the live-event hub. Every 200
-- is an acknowledged, committed post.

local tokens = {}
local counter = 0
local threads = 0
local visibilities = { "public", "public", "public", "network", "connections", "unlisted" }

function setup(thread)
  thread:set("first", threads * 7919)
  threads = threads + 1
end

function init(args)
  local file = args[1] or os.getenv("TOKENS") or "bench/tokens.txt"
  for line in io.lines(file) do
    if #line > 0 then tokens[#tokens + 1] = line end
  end
  if #tokens == 0 then error("no tokens in " .. file) end
  counter = first or 0
end

function request()
  counter = counter + 1
  local token = tokens[(counter % #tokens) + 1]
  local vis = visibilities[(counter % #visibilities) + 1]
  local body = string.format(
    '{"status":"Benchmark update %d: shipping the #bench build today","visibility":"%s"}',
    counter, vis)
  return wrk.format("POST", "/api/v1/statuses", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end

function done(summary, latency, requests)
  io.write(string.format("requests %d, non-2xx %d, %.0f posts/s\n", summary.requests,
    summary.errors.status, summary.requests / (summary.duration / 1e6)))
  for _, p in ipairs({ 50, 90, 99, 99.9 }) do
    io.write(string.format("latency p%-4s %8.2f ms\n", p, latency:percentile(p) / 1000))
  end
end
