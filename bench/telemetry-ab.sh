#!/usr/bin/env bash
# The cost of telemetry (issue #21), in one run of this script, with the PostgreSQL ceiling (pgbench) first: `check`
# and `holds` with the shipped default (metrics recorded, /metrics scraped every 5 s as Prometheus would; traces off, as
# no OTLP endpoint is set), with traces recorded as well (Telemetry__Traces=true: every span made, none exported), and
# with telemetry off (Telemetry__Enabled=false); the three in turn, twice. Prints each run's rows.
# Usage: bench/telemetry-ab.sh   (about 20 minutes)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
scrape() { while true; do curl -fs -o /dev/null http://127.0.0.1:5098/metrics || true; sleep 5; done; }
scrape & scraper=$!
trap 'kill $scraper 2>/dev/null || true' EXIT
"$root/bench/run.sh" pgbench | grep -E '^pgbench '
for round in 1 2; do
  for mode in "metrics (shipped default)|" "metrics and traces|Telemetry__Traces=true" "off|Telemetry__Enabled=false"; do
    echo "== ${mode%%|*}, round $round"
    BENCH_SERVER_SETTINGS="${mode#*|}" "$root/bench/run.sh" check holds | grep -E '^(check|holds) '
  done
done
