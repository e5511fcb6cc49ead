-- bench/community.lua: community streams (20 posts) read by people who may
-- read them.
--
--   wrk -t2 -c64 -d20s -s bench/community.lua http://127.0.0.1:8080 -- PAIRS_FILE
--
-- PAIRS_FILE holds "TOKEN COMMUNITY_ID" lines (bench/community-pairs.mjs:
-- members of communities of every type, and readers of public and
-- moderated ones they are not in). Each request takes the next pair, each
-- wrk thread starting at a different place. Any answer but 200 counts as
-- an error (a 404 would mean the pair was wrong).

local pairs_ = {}
local counter = 0
local threads = 0

function setup(thread)
  thread:set("first", threads * 7919)
  threads = threads + 1
end

function init(args)
  local file = args[1] or os.getenv("PAIRS") or "bench/community-pairs.txt"
  for line in io.lines(file) do
    local token, id = line:match("^(%S+)%s+(%d+)$")
    if token then
      pairs_[#pairs_ + 1] = wrk.format("GET", "/api/moka/v1/communities/" .. id ..
        "/timeline?limit=20", { ["Authorization"] = "Bearer " .. token })
    end
  end
  if #pairs_ == 0 then error("no pairs in " .. file) end
  counter = first or 0
end

function request()
  counter = counter + 1
  return pairs_[(counter % #pairs_) + 1] -- formatted once, in init()
end

function done(summary, latency, requests)
  io.write(string.format("requests %d, non-2xx %d, %.0f req/s\n", summary.requests,
    summary.errors.status, summary.requests / (summary.duration / 1e6)))
  for _, p in ipairs({ 50, 90, 99, 99.9 }) do
    io.write(string.format("latency p%-4s %8.2f ms\n", p, latency:percentile(p) / 1000))
  end
end
