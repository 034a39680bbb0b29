#!/usr/bin/env bash
# Cold start: milliseconds from launching the Release build (Production, Static handlers) to its first
# 200 on a catalog read. Uses the local PostgreSQL (./concert db start) unless ConnectionStrings__Postgres is set.
# Usage: bench/cold-start.sh [runs=5]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-5}"
port=5099
url="http://127.0.0.1:$port"
admin_key="cold-start-bench"

if [ -z "${ConnectionStrings__Postgres:-}" ]; then
  "$root/concert" db start >/dev/null
  export ConnectionStrings__Postgres="$("$root/concert" db url)"
fi
dotnet build "$root/src/Concert.Api" -c Release -v quiet -nologo >/dev/null
cd "$root/src/Concert.Api/bin/Release/net10.0"
export ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="$url" Admin__ApiKey="$admin_key"
dotnet Concert.Api.dll db-apply >/dev/null

start_api() { dotnet Concert.Api.dll >/dev/null 2>&1 & echo $!; }
wait_for() { until curl -fs -o /dev/null "$1"; do sleep 0.01; done; }

# A concert to read, opened through the API itself.
pid="$(start_api)"; wait_for "$url/health/live"
concert_id="$(curl -fs -X POST "$url/admin/concerts" -H "X-Admin-Key: $admin_key" -H 'Content-Type: application/json' \
  -d '{"title":"Cold start","schedules":[{"startAt":"2027-01-01T19:00:00"}]}' | sed -E 's/.*"concertId":([0-9]+).*/\1/')"
kill "$pid"; wait "$pid" 2>/dev/null || true

printf '%-5s %-22s %-8s\n' run first_200_ms rss_mb
for run in $(seq 1 "$runs"); do
  began=$(date +%s%N)
  pid="$(start_api)"
  wait_for "$url/concerts/$concert_id/schedules"
  ended=$(date +%s%N)
  rss=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$pid/status")
  printf '%-5s %-22s %-8s\n' "$run" "$(( (ended - began) / 1000000 ))" "$rss"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
