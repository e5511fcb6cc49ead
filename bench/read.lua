-- bench/read.lua: what people read besides the home stream (issue 6, scenario 2).
--
--   wrk -t2 -c64 -d10s -s bench/read.lua http://127.0.0.1:8080 -- TARGETS_FILE MODE
--
-- TARGETS_FILE has lines "TOKEN ACCOUNT_ID STATUS_ID" (bench/read-targets.mjs:
-- a wall and a post with its thread that this person may see). MODE:
--   wall           GET /api/v1/accounts/ACCOUNT_ID/statuses?limit=20 (a person's wall)
--   status         GET /api/v1/statuses/STATUS_ID (a single post)
--   context        GET /api/v1/statuses/STATUS_ID/context (its thread)
--   notifications  GET /api/v1/notifications?limit=20 (one's own)
-- Each request goes to the next line, each wrk thread starting at a
-- different place; done() prints the same lines as bench/home.lua.

local lines = {}
local counter = 0
local mode = "wall"
local threads = 0
local all = {}

function setup(thread)
  thread:set("first", threads * 7919)
  threads = threads + 1
  all[#all + 1] = thread
end

function init(args)
  local file = args[1] or "bench/read-targets.txt"
  if args[2] then mode = args[2] end
  for line in io.lines(file) do
    local token, account, status = line:match("^(%S+)%s+(%S+)%s+(%S+)")
    if token then lines[#lines + 1] = request_for(token, account, status) end
  end
  if #lines == 0 then error("no targets in " .. file) end
  counter = first or 0
end

-- Each request is formatted once, in init(): formatting per call costs wrk
-- CPU it shares with the server.
function request_for(token, account, status)
  local path
  if mode == "wall" then
    path = "/api/v1/accounts/" .. account .. "/statuses?limit=20"
  elseif mode == "status" then
    path = "/api/v1/statuses/" .. status
  elseif mode == "context" then
    path = "/api/v1/statuses/" .. status .. "/context"
  elseif mode == "notifications" then
    path = "/api/v1/notifications?limit=20"
  else
    error("unknown mode " .. mode)
  end
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end

function request()
  counter = counter + 1
  return lines[(counter % #lines) + 1]
end

-- non-200 answers by status, per thread (done() reads them with thread:get)
shed, missing, other = 0, 0, 0
function response(status, headers, body)
  if status == 503 then shed = shed + 1
  elseif status == 404 then missing = missing + 1
  elseif status ~= 200 then other = other + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("requests %d, non-2xx %d, %.0f req/s\n", summary.requests,
    summary.errors.status, summary.requests / (summary.duration / 1e6)))
  local s, m, o = 0, 0, 0
  for _, t in ipairs(all) do
    s, m, o = s + t:get("shed"), m + t:get("missing"), o + t:get("other")
  end
  io.write(string.format("non-200: 503 (shed) %d, 404 %d, other %d\n", s, m, o))
  for _, p in ipairs({ 50, 90, 99, 99.9 }) do
    io.write(string.format("latency p%-4s %8.2f ms\n", p, latency:percentile(p) / 1000))
  end
end
