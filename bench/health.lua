-- bench/health.lua: GET /health, the baseline — the cost of an empty
-- request through the HTTP layer, router and JSON writer.
--
--   wrk -t2 -c64 -d10s -s bench/health.lua http://127.0.0.1:8080/health
--
-- Prints the same summary lines as home.lua and post.lua, which bench/run
-- reads: "requests N, non-2xx M, R req/s" and "latency pP X ms".

function done(summary, latency, requests)
  io.write(string.format("requests %d, non-2xx %d, %.0f req/s\n", summary.requests,
    summary.errors.status, summary.requests / (summary.duration / 1e6)))
  for _, p in ipairs({ 50, 90, 99, 99.9 }) do
    io.write(string.format("latency p%-4s %8.2f ms\n", p, latency:percentile(p) / 1000))
  end
end
