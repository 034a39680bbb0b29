#!/usr/bin/env bash
# The cost of telemetry (issue #21): `check` and `holds` with telemetry on (shipped default: traces and metrics recorded,
# no OTLP endpoint, /metrics scraped every 5 s as Prometheus would) and off (Telemetry__Enabled=false), on, off again,
# in one run of this script, with the PostgreSQL ceiling (pgbench) first. Prints each run's table.
# Usage: bench/telemetry-ab.sh   (about 15 minutes)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
scrape() { while true; do curl -fs -o /dev/null http://127.0.0.1:5098/metrics || true; sleep 5; done; }
scrape & scraper=$!
trap 'kill $scraper 2>/dev/null || true' EXIT
"$root/bench/run.sh" pgbench | tail -n 4
for round in 1 2; do
  echo "== telemetry on (round $round)"
  "$root/bench/run.sh" check holds | grep -E '^(scenario|check|holds) '
  echo "== telemetry off: Telemetry__Enabled=false (round $round)"
  BENCH_SERVER_SETTINGS="Telemetry__Enabled=false" "$root/bench/run.sh" check holds | grep -E '^(scenario|check|holds) '
done
