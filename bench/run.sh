#!/usr/bin/env bash
# Concert's load benchmark: starts the service in Release (Production, Static handlers) on a fresh database,
# drives it with wrk over loopback, and prints a table. Server, PostgreSQL and wrk share this machine.
# Usage: bench/run.sh [scenario ...]   scenarios: seats issue check (default: all, in that order)
#   seats  gated seat-map reads by 64 admitted fans            target ≥ 3,000 req/s, p99 ≤ 30 ms
#   issue  tokens issued to new fans                            target ≥ 2,500 /s
#   check  polls of waiting fans, 64 connections, ≥100,000 waiting in line   target ≥ 5,000 req/s, p99 ≤ 20 ms
# Env: BENCH_SECONDS [15] measured seconds per scenario, after BENCH_WARMUP [10] seconds of the same load.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
scenarios=("$@"); [ ${#scenarios[@]} -gt 0 ] || scenarios=(seats issue check)
seconds="${BENCH_SECONDS:-15}"
warmup="${BENCH_WARMUP:-10}"
port=5098
url="http://127.0.0.1:$port"
admin_key="bench-admin-key"
work="$(mktemp -d)"
export BENCH_LUA="$root/bench/lua"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
"$root/concert" db start >/dev/null
server="$("$root/concert" db url)"
database="concert_bench"
psql_bench() { psql -h 127.0.0.1 -p "${CONCERT_PG_PORT:-55432}" -U postgres -Atq "$@"; }
psql_bench -c "drop database if exists $database with (force)" postgres
psql_bench -c "create database $database" postgres
export ConnectionStrings__Postgres="${server/Database=concert/Database=$database}"

dotnet build "$root/src/Concert.Api" -c Release -v quiet -nologo >/dev/null
cd "$root/src/Concert.Api/bin/Release/net10.0"
export ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="$url" Admin__ApiKey="$admin_key" \
  Logging__LogLevel__Default=Warning Queue__WaitingTtl=00:30:00
dotnet Concert.Api.dll db-apply >/dev/null
dotnet Concert.Api.dll >"$work/server.log" 2>&1 &
server_pid=$!
mkdir -p "$root/.local"
trap 'kill $server_pid 2>/dev/null; wait $server_pid 2>/dev/null; cp "$work/server.log" "$root/.local/bench-server.log"; rm -rf "$work"' EXIT
until curl -fs -o /dev/null "$url/health/ready"; do sleep 0.2; done

json_field() { sed -E "s/.*\"$1\":\"?([^\",}]*).*/\1/"; }
waiting_count() { psql_bench -c "select count(*) from concert.mt_doc_queueticket where status = 0" "$database"; }

# wrk LUA PATH CONNECTIONS SECONDS -> prints the RESULT line of the measured run
load() {
  local script="$1" path="$2" connections="$3"
  BENCH_PATH="$path" wrk -t2 -c"$connections" -d"${warmup}s" -s "$BENCH_LUA/$script" "$url" >/dev/null
  BENCH_PATH="$path" wrk -t2 -c"$connections" -d"${seconds}s" -s "$BENCH_LUA/$script" "$url" | grep '^RESULT'
}

rows=()
row() { rows+=("$(printf '%-7s %5s %9s %8s %8s %8s %7s  %s' "$1" "$2" \
  "$(echo "$3" | sed -E 's/.*rps=([0-9]+).*/\1/')" \
  "$(echo "$3" | sed -E 's/.*p50=([0-9.]+).*/\1/')" \
  "$(echo "$3" | sed -E 's/.*p95=([0-9.]+).*/\1/')" \
  "$(echo "$3" | sed -E 's/.*p99=([0-9.]+).*/\1/')" \
  "$(echo "$3" | sed -E 's/.*errors=([0-9]+).*/\1/')" "$4")"); }

admitted_fans() { # N -> file of N ACTIVE tokens
  local n="$1" file="$work/active-tokens" token
  : >"$file"
  for _ in $(seq 1 "$n"); do
    token="$(curl -fs -X POST "$url/waiting/issue" -H 'Content-Type: application/json' \
      -d "{\"userId\":\"$(cat /proc/sys/kernel/random/uuid)\"}" | json_field token)"
    echo "$token" >>"$file"
  done
  until [ "$(curl -fs "$url/waiting/check" -H "X-Queue-Token: $(tail -n 1 "$file")" | json_field active)" = true ]; do sleep 0.2; done
  echo "$file"
}

for scenario in "${scenarios[@]}"; do
  case "$scenario" in
    seats)
      concert="$(curl -fs -X POST "$url/admin/concerts" -H "X-Admin-Key: $admin_key" -H 'Content-Type: application/json' \
        -d '{"title":"Bench","schedules":[{"startAt":"2027-01-01T19:00:00"}]}')"
      concert_id="$(echo "$concert" | json_field concertId)"
      schedule_id="$(echo "$concert" | sed -E 's/.*"scheduleId":([0-9]+).*/\1/')"
      BENCH_TOKENS="$(admitted_fans 64)" export BENCH_TOKENS
      row seats 64 "$(load with-tokens.lua "/concerts/$concert_id/schedules/$schedule_id/seats" 64)" \
        "target ≥ 3,000 req/s, p99 ≤ 30 ms"
      ;;
    issue)
      row issue 64 "$(load issue.lua /waiting/issue 64)" "target ≥ 2,500 tokens/s"
      ;;
    check)
      while [ "$(waiting_count)" -lt 100000 ]; do
        BENCH_PATH=/ wrk -t2 -c64 -d10s -s "$BENCH_LUA/issue.lua" "$url" >/dev/null
      done
      # Steady state: the fill's vacuum and checkpoint done before measuring, not during.
      psql_bench -c "vacuum analyze concert.mt_doc_queueticket" -c "checkpoint" "$database"
      BENCH_TOKENS="$work/waiting-tokens" export BENCH_TOKENS
      psql_bench -c "select data->>'Token' from concert.mt_doc_queueticket where status = 0 order by random() limit 2000" \
        "$database" >"$BENCH_TOKENS"
      row check 64 "$(load with-tokens.lua /waiting/check 64)" \
        "target ≥ 5,000 req/s, p99 ≤ 20 ms; $(waiting_count) waiting"
      ;;
    *) echo "unknown scenario $scenario" >&2; exit 2 ;;
  esac
done

echo
echo "Concert bench: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; server, PostgreSQL and wrk on this machine; ${seconds}s measured after ${warmup}s warm-up"
printf '%-7s %5s %9s %8s %8s %8s %7s  %s\n' scenario conns "req/s" "p50 ms" "p95 ms" "p99 ms" errors notes
printf '%s\n' "${rows[@]}"
echo "server warnings and errors: $(grep -cE '^(warn|fail|crit):' "$work/server.log") (log: .local/bench-server.log)"
