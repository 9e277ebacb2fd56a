-- wrk `done` hook for factdb bench: one JSON line that factdb/bench/runner.py parses.
-- Latencies are in microseconds, durations too (wrk's own units).

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"wrk_report":1,"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%d,"p95":%d,"p99":%d,"mean":%.1f,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.mean, latency.max
  ))
end
