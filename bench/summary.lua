-- wrk script fragment: one summary line per run (req/s, latency percentiles in ms, errors).
function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout + summary.errors.status
  io.write(string.format(
    "req/s %9.0f   p50 %7.2f   p95 %7.2f   p99 %7.2f   max %8.2f ms   errors %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, errors))
end
