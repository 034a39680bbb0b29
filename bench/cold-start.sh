#!/usr/bin/env bash
# Cold start: milliseconds from launching the Release build (Production, Static handlers) to its first 200 on
# an API call (a fan taking a place in line, which appends an event). Uses the local PostgreSQL
# (./concert db start) unless ConnectionStrings__Postgres is set.
# Usage: bench/cold-start.sh [runs=5]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-5}"
port=5099
url="http://127.0.0.1:$port"

if [ -z "${ConnectionStrings__Postgres:-}" ]; then
  "$root/concert" db start >/dev/null
  export ConnectionStrings__Postgres="$("$root/concert" db url)"
fi
dotnet build "$root/src/Concert.Api" -c Release -v quiet -nologo >/dev/null
cd "$root/src/Concert.Api/bin/Release/net10.0"
export ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="$url" Queue__TokenKeys__0__Id=1 \
  Queue__TokenKeys__0__Secret="$(head -c 32 /dev/urandom | base64)"
dotnet Concert.Api.dll db-apply >/dev/null

first_200() {
  until curl -fs -o /dev/null -X POST "$url/waiting/issue" -H 'Content-Type: application/json' \
    -d "{\"userId\":\"$(cat /proc/sys/kernel/random/uuid)\"}"; do sleep 0.01; done
}

printf '%-5s %-14s %-8s\n' run first_200_ms rss_mb
for run in $(seq 1 "$runs"); do
  began=$(date +%s%N)
  dotnet Concert.Api.dll >/dev/null 2>&1 &
  pid=$!
  first_200
  ended=$(date +%s%N)
  printf '%-5s %-14s %-8s\n' "$run" "$(( (ended - began) / 1000000 ))" "$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$pid/status")"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
