#!/usr/bin/env bash
# The cost of telemetry (issue #21), in one run of this script, with the PostgreSQL ceiling (pgbench) first: `check`
# and `holds` with the shipped default (the service's, Wolverine's, Npgsql's and the runtime's metrics recorded,
# /metrics scraped every 5 s as Prometheus would; no traces, as no OTLP endpoint is set) and with telemetry off
# (Telemetry__Enabled=false), in turn, twice (BENCH_TELEMETRY_ROUNDS), the order alternating. BENCH_TELEMETRY_MODES adds modes, e.g.
# "Telemetry__Traces=true Telemetry__HttpServerMetrics=true". Prints each run's rows.
# Usage: bench/telemetry-ab.sh   (about 12 minutes)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
scrape() { while true; do curl -fs -o /dev/null http://127.0.0.1:5098/metrics || true; sleep 5; done; }
scrape & scraper=$!
trap 'kill $scraper 2>/dev/null || true' EXIT
"$root/bench/run.sh" pgbench | grep -E '^pgbench '
for round in $(seq 1 "${BENCH_TELEMETRY_ROUNDS:-2}"); do
  # The order alternates (a run right after another ran slower in some hours): default first in odd rounds, off in even.
  if [ $(( round % 2 )) = 1 ]; then modes=("shipped default|" "off|Telemetry__Enabled=false"); else modes=("off|Telemetry__Enabled=false" "shipped default|"); fi
  for extra in ${BENCH_TELEMETRY_MODES:-}; do modes+=("$extra|$extra"); done
  for mode in "${modes[@]}"; do
    echo "== ${mode%%|*}, round $round"
    BENCH_SERVER_SETTINGS="${mode#*|}" "$root/bench/run.sh" check holds | grep -E '^(check|holds) '
  done
done
