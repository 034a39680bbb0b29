#!/usr/bin/env bash
# Concert's load benchmark: starts the service in Release (Production, Static handlers) on a fresh database,
# drives it with wrk over loopback, and prints a table. Server, PostgreSQL and wrk share this machine.
# Usage: bench/run.sh [scenario ...]   (default: all, in this order)
#   pgbench     the PostgreSQL ceiling of this machine, the service stopped: pgbench -S (reads) and pgbench's
#               default TPC-B-like transaction (3 updates, an insert, a select), 64 clients, on a database of its own
#   seats       gated seat-map reads by 64 admitted fans                      target ≥ 3,000 req/s, p99 ≤ 30 ms
#   issue       tokens issued to new fans                                     target ≥ 6,000 /s
#   check       polls of waiting fans, ≥100,000 waiting in line               target ≥ 5,000 req/s, p99 ≤ 20 ms
#               (2,000 of them polled in turn; the others lapse after Queue:WaitingTtl like any fan who stops)
#   crowd       BENCH_CROWD [100,000] distinct waiting fans, every token polled  target ≥ 20,000 checks/s, p99 ≤ 20 ms,
#               in rotation for BENCH_CROWD_SECONDS [60] s after the warm-up;    ≤ 0.01 PostgreSQL commits per check
#               then the crowd is polled at a pace until an unpolled control group of 1,000 fans, issued after the
#               crowd, has lapsed: none of the polled fans may have lost the place, every control fan must have
#               lapsed within Queue:AdmissionInterval + 1 s of its deadline (issue time + Queue:WaitingTtl)
#   holds-under-crowd  holds on distinct seats by 10,000 admitted fans,         target under the crowd ≥ 70 % of alone
#               alone and then while BENCH_CROWD_RATE [5,000] checks/s poll 20,000 waiting fans (paced), one database
#   hold-storm  10,000 admitted fans try random seats of one 50-seat schedule  target ≥ 2,000 attempts/s; exactly 50 holds
#   holds       holds on distinct seats over many schedules                   target ≥ 1,000 holds/s, p99 ≤ 50 ms
#               (BENCH_WRITE_CONNECTIONS [32] connections, as charge and pay: the write rates saturate below 32,
#               so more connections only queue)
#   expiry      20,000 holds of 30 s; the service restarts after all are due;   target ≥ 1,000 expiries/s
#               the backlog of expiries drains, each exactly once
#   balance     gated balance reads by 10,000 admitted fans                   target ≥ 3,000 req/s, p99 ≤ 50 ms
#   charge      charges of 1,000 by the same fans (32 connections)            target ≥ 1,500 /s, p99 ≤ 50 ms
#               (BENCH_CHARGE_RATE: charges a second, paced, instead of as fast as answered)
#   pay         payments, each of a fresh hold of its own fan (32 connections) target ≥ 1,000 /s, p99 ≤ 50 ms
#               (BENCH_PAY_RATE: payments a second, paced, instead of as fast as answered)
#   refund      BENCH_REFUND_FANS [10,000] fans who each paid a seat of their own and came back through the line
#               ask for their refunds (32 connections; the first fifth warms up)      target: paced like pay, p99 ≤ 50 ms
#               (BENCH_REFUND_RATE: refunds a second, paced, instead of as fast as answered); then
#               BENCH_CANCEL_SCHEDULES [100] schedules with all 50 seats paid are cancelled at once (bench/Refunds): the
#               time to the operator's answers and until every ticket is refunded; on a database of its own
#   journey     BENCH_JOURNEY_FANS [128] fans at once, each: issue → checks →  target ≥ 300 journeys/s, every step p99 ≤ 50 ms
#               seat map → hold → charge → pay (bench/Journey); each new fan waits for an admission run, every
#               BENCH_ADMISSION_INTERVAL [00:00:00.1] here (Queue:AdmissionInterval: the contract's "at least every
#               1 s" allows it, and fans admitted together would reach the writes together), at most 1,000 active
#               at once; on a database of its own; measured after BENCH_JOURNEY_WARMUP [30] s, once the JIT has
#               compiled the write paths' optimized code. BENCH_JOURNEY_RATE: journeys a second, started at that
#               pace (each by a free fan), instead of each fan going again as soon as it is through
#   opening     BENCH_OPENING_FANS [50,000] distinct fans take a place in the 60 s before the sale opens (paced
#               evenly; Queue defaults otherwise), each polling only when its hint (pollAfterSeconds) says, for 60 s
#               after the opening (bench/Opening). Reports the pre-queue's checks/s, the draw's duration and when it
#               committed after opensAt, whether the support replay of the draw matches its seed and the places
#               given, when the last fan learned its drawn place, and the crowd's checks/s with the hints followed;
#               a lapse (a fan who followed the hints and lost the place) is a failure
#   balance, charge and pay share a database; after pay, refund and journey the bench checks that money is conserved
#   (grants + charges − payments + refunds = the sum of the balances, from the events), that no seat was sold twice
#   (a refunded sale does not count) and that no ticket was refunded twice.
# The hold scenarios run on a database of their own (a line of 100,000 waiting fans would stand before their fans);
# expiry on another, with 30-second holds.
# Every scenario runs with the shipped defaults of Queue:* (2-minute waits, 10-minute turns, 100 active), except
# where a line above names a setting. The per-address limit on issues (RateLimits:IssuesPerSecond) is raised to a
# million: wrk's thousands of fans all come from 127.0.0.1, where real fans come from many addresses; the limiter
# still runs, so its cost is measured.
# Env: BENCH_SECONDS [15] measured seconds per scenario, after BENCH_WARMUP [10] seconds of the same load.
#      BENCH_CONN_EXTRA: appended to the service's connection string (e.g. ";Maximum Pool Size=32").
#      BENCH_SERVER_SETTINGS: space-separated NAME=value settings for the server (named in the table that uses them).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
scenarios=("$@"); [ ${#scenarios[@]} -gt 0 ] || scenarios=(pgbench seats issue check crowd hold-storm holds holds-under-crowd expiry balance charge pay refund journey opening)
seconds="${BENCH_SECONDS:-15}"
warmup="${BENCH_WARMUP:-10}"
port=5098
url="http://127.0.0.1:$port"
admin_key="bench-admin-key"
token_secret="$(head -c 32 /dev/urandom | base64)" # Queue:TokenKeys: one key for the run, kept across restarts
work="$(mktemp -d)"
export BENCH_LUA="$root/bench/lua"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
"$root/concert" db start >/dev/null
server="$("$root/concert" db url)"
database="concert_bench"
pg_port="${CONCERT_PG_PORT:-55432}"
psql_bench() { psql -h 127.0.0.1 -p "$pg_port" -U postgres -Atq "$@"; }
dotnet build "$root/src/Concert.Api" -c Release -v quiet -nologo >/dev/null
dotnet build "$root/bench/Journey" -c Release -v quiet -nologo >/dev/null
dotnet build "$root/bench/Opening" -c Release -v quiet -nologo >/dev/null
dotnet build "$root/bench/Refunds" -c Release -v quiet -nologo >/dev/null
mkdir -p "$root/.local"
server_pid=""
stop_server() {
  [ -n "$server_pid" ] || return 0
  kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true
  cp "$work/server.log" "$root/.local/bench-server.log"
  server_pid=""
}
trap 'stop_server; rm -rf "$work"' EXIT

# A fresh database and a server on it, started the way production runs (db-apply, then the app).
# Extra NAME=value settings for the server may follow.
start_server() {
  stop_server
  psql_bench -c "drop database if exists $database with (force)" postgres
  psql_bench -c "create database $database" postgres
  run_server "$@"
}

# The server on the current database, as after a restart.
run_server() {
  local settings=("$@")
  stop_server
  (
    cd "$root/src/Concert.Api/bin/Release/net10.0"
    export ConnectionStrings__Postgres="${server/Database=concert/Database=$database}${BENCH_CONN_EXTRA:-}"
    export ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="$url" Admin__ApiKey="$admin_key" \
      Queue__TokenKeys__0__Id=1 Queue__TokenKeys__0__Secret="$token_secret" Logging__LogLevel__Default=Warning \
      RateLimits__IssuesPerSecond=1000000 # every simulated fan comes from this one address: limited, never refused
    # BENCH_SERVER_SETTINGS: NAME=value settings for every server of the run (bench/telemetry-ab.sh turns telemetry off so).
    for setting in "${settings[@]}" ${BENCH_SERVER_SETTINGS:-}; do export "${setting?}"; done
    dotnet Concert.Api.dll db-apply >/dev/null
    exec dotnet Concert.Api.dll >"$work/server.log" 2>&1
  ) &
  server_pid=$!
  until curl -fs -o /dev/null "$url/health/ready"; do sleep 0.2; done
}

json_field() { sed -E "s/.*\"$1\":\"?([^\",}]*).*/\1/"; }
waiting_count() { psql_bench -c "select count(*) from concert.mt_doc_queueticket where status = 0" "$database"; }
admin() { curl -fs -X "$1" "$url$2" -H "X-Admin-Key: $admin_key" -H 'Content-Type: application/json' ${3:+-d "$3"}; }

# N [NAME] -> file of "token userId" lines of N fans, all admitted
admitted_fans_file() {
  local n="$1" file="$work/${2:-fans}"
  admin PATCH /admin/queue '{"maxActive":1000000}' >/dev/null
  waiting_fans_file "$n" "$file"
  head -n "$n" "$file" >"$file.first" && mv "$file.first" "$file"
  sleep 2
  until [ "$(admin GET /admin/queue | json_field waiting)" = 0 ]; do sleep 0.5; done
  echo "$file"
}

# N schedules (concerts of up to 100) -> "concertId:scheduleId,..."
open_schedules() {
  local n="$1" schedules="" body concert_id="" pairs=""
  while [ "$n" -gt 0 ]; do
    local batch=$(( n > 100 ? 100 : n ))
    schedules="$(seq 1 "$batch" | sed 's/.*/{"startAt":"2027-06-01T19:00:00"}/' | paste -sd, -)"
    body="$(admin POST /admin/concerts "{\"title\":\"Bench\",\"schedules\":[$schedules]}")"
    concert_id="$(echo "$body" | json_field concertId)"
    pairs="$pairs,$(echo "$body" | grep -o '"scheduleId":[0-9]*' | cut -d: -f2 | sed "s/^/$concert_id:/" | paste -sd, -)"
    n=$(( n - batch ))
  done
  echo "${pairs#,}"
}

# Statistics of what the setup and the warm-up wrote. PostgreSQL keeps a prepared statement's generic plan until the
# table is analyzed again: planned while the table was nearly empty, a key lookup stays a sequential scan, and
# autovacuum's next analyze may be a minute away (this made holds and issue run at a quarter of their rate in some
# runs). A venue's data is not written a second before its rush.
analyze() { psql_bench -c "analyze" "$database"; }

# wrk LUA PATH CONNECTIONS SECONDS -> prints the RESULT line of the measured run
load() {
  local script="$1" path="$2" connections="$3"
  BENCH_PATH="$path" wrk -t2 -c"$connections" -d"${warmup}s" -s "$BENCH_LUA/$script" "$url" >/dev/null
  analyze
  BENCH_PATH="$path" wrk -t2 -c"$connections" -d"${seconds}s" -s "$BENCH_LUA/$script" "$url" | grep '^RESULT'
}

rows=()
row() { rows+=("$(printf '%-10s %5s %9s %8s %8s %8s %7s  %s' "$1" "$2" \
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

# N FILE -> FILE of "token userId" lines of at least N new fans, left waiting in line
waiting_fans_file() {
  local n="$1" file="$2"
  rm -f "$file".*
  while [ "$(cat "$file".* 2>/dev/null | wc -l)" -lt "$n" ]; do
    BENCH_OUT="$file" wrk -t2 -c64 -d2s -s "$BENCH_LUA/issue-save.lua" "$url" >/dev/null
  done
  cat "$file".* >"$file"
}

# Transactions PostgreSQL committed in the bench database so far (read-only ones included).
commits() { psql_bench -c "select xact_commit from pg_stat_database where datname = '$database'" postgres; }

# wrk's RESULT line -> the value of one of its fields
field() { echo "$1" | sed -E "s/.*$2=([0-9.]+).*/\1/"; }

# The money and seats of the wallet scenarios, checked after them.
write_connections="${BENCH_WRITE_CONNECTIONS:-32}"
journey_fans="${BENCH_JOURNEY_FANS:-128}"
journey_warmup="${BENCH_JOURNEY_WARMUP:-30}"
journey_rate="${BENCH_JOURNEY_RATE:-0}"
opening_fans="${BENCH_OPENING_FANS:-50000}"
admission_interval="${BENCH_ADMISSION_INTERVAL:-00:00:00.1}"
pay_rate="${BENCH_PAY_RATE:-0}"
refund_fans="${BENCH_REFUND_FANS:-10000}"
refund_rate="${BENCH_REFUND_RATE:-0}"
cancel_schedules="${BENCH_CANCEL_SCHEDULES:-100}"
charge_rate="${BENCH_CHARGE_RATE:-0}"
crowd_size="${BENCH_CROWD:-100000}"
crowd_seconds="${BENCH_CROWD_SECONDS:-60}"
crowd_rate="${BENCH_CROWD_RATE:-5000}"
waiting_ttl=120 # the shipped Queue:WaitingTtl, in seconds

money_check() {
  psql_bench -F' ' -c "
    select coalesce(sum((data->>'Amount')::bigint) filter (where type = 'wallet_granted'), 0),
           coalesce(sum((data->>'Amount')::bigint) filter (where type = 'wallet_charged'), 0),
           coalesce(sum((data->>'Amount')::bigint) filter (where type = 'wallet_debited'), 0),
           coalesce(sum((data->>'Amount')::bigint) filter (where type = 'wallet_refunded'), 0),
           (select coalesce(sum((data->>'Balance')::bigint), 0) from concert.mt_doc_fanwallet),
           (select count(*) from concert.mt_doc_fanwallet where (data->>'Balance')::bigint < 0),
           count(*) filter (where type = 'payment_confirmed'),
           count(*) filter (where type = 'seat_sold'),
           (select count(*) from (select stream_id from concert.mt_events where type in ('seat_sold', 'sale_refunded')
                                  group by stream_id
                                  having count(*) filter (where type = 'seat_sold') - count(*) filter (where type = 'sale_refunded') > 1) t),
           (select count(*) from concert.mt_events where type = 'reservation_refunded'),
           (select count(*) from (select stream_id from concert.mt_events where type = 'reservation_refunded'
                                  group by stream_id having count(*) > 1) t)
    from concert.mt_events where type in ('wallet_granted', 'wallet_charged', 'wallet_debited', 'wallet_refunded', 'payment_confirmed', 'seat_sold')" \
    "$database" | {
    read -r granted charged debited refunded balances negative confirmed sold twice refunds refunded_twice
    local verdict="CONSERVED"
    [ $(( granted + charged - debited + refunded )) -eq "$balances" ] && [ "$negative" -eq 0 ] || verdict="NOT CONSERVED"
    [ "$twice" -eq 0 ] && [ "$sold" -eq "$confirmed" ] || verdict="$verdict; SEATS WRONG"
    [ "$refunded_twice" -eq 0 ] || verdict="$verdict; REFUNDED TWICE"
    echo "money $verdict: granted $granted + charged $charged − paid $debited + refunded $refunded = $(( granted + charged - debited + refunded )), balances $balances, negative $negative; payments $confirmed, seats sold $sold, sold twice (net of refunds) $twice; refunds $refunds, refunded twice $refunded_twice"
  }
}

fresh_for_holds="" fresh_for_wallet=""
start_server
for scenario in "${scenarios[@]}"; do
  case "$scenario" in
    hold-storm|holds)
      if [ -z "$fresh_for_holds" ]; then
        start_server
        fresh_for_holds=yes fresh_for_wallet=""
        BENCH_FANS="$(admitted_fans_file 10000)" export BENCH_FANS
      fi
      ;;
  esac
  case "$scenario" in
    balance|charge|pay)
      if [ -z "$fresh_for_wallet" ]; then
        start_server
        fresh_for_wallet=yes fresh_for_holds=""
        BENCH_FANS="$(admitted_fans_file 10000)" export BENCH_FANS
      fi
      ;;
  esac
  case "$scenario" in
    pgbench)
      # PostgreSQL alone, over the same Unix socket the service uses: what the database of this machine can do.
      stop_server
      psql_bench -c "drop database if exists pgbench_ceiling" -c "create database pgbench_ceiling" postgres
      pg_socket="$(echo "$server" | sed -E 's/.*Host=([^;]+).*/\1/')"
      pgbench -h "$pg_socket" -p "$pg_port" -U postgres -i -q -s 10 pgbench_ceiling >/dev/null 2>&1
      reads="$(pgbench -h "$pg_socket" -p "$pg_port" -U postgres -S -c 64 -j 2 -T "$seconds" pgbench_ceiling 2>/dev/null | sed -nE 's/^tps = ([0-9]+).*/\1/p')"
      writes="$(pgbench -h "$pg_socket" -p "$pg_port" -U postgres -c 64 -j 2 -T "$seconds" pgbench_ceiling 2>/dev/null | sed -nE 's/^tps = ([0-9]+).*/\1/p')"
      psql_bench -c "drop database pgbench_ceiling" postgres
      rows+=("$(printf '%-10s %5s %9s %8s %8s %8s %7s  %s' pgbench 64 "$reads" - - - 0 "select-only (-S) transactions/s")")
      rows+=("$(printf '%-10s %5s %9s %8s %8s %8s %7s  %s' pgbench 64 "$writes" - - - 0 "TPC-B-like transactions/s (3 updates, an insert, a select; fsync on)")")
      start_server
      fresh_for_holds="" fresh_for_wallet=""
      ;;
    crowd)
      start_server
      fresh_for_holds="" fresh_for_wallet=""
      waiting_fans_file "$crowd_size" "$work/crowd"
      # The control group stands behind the crowd (so nobody in it is admitted) and never checks.
      rm -f "$work/control".*
      BENCH_OUT="$work/control" BENCH_LIMIT=1000 wrk -t2 -c8 -d2s -s "$BENCH_LUA/issue-save.lua" "$url" >/dev/null
      cat "$work/control".* >"$work/control"
      control_deadline=$(( $(date +%s) + waiting_ttl ))
      BENCH_TOKENS="$work/crowd" BENCH_PATH=/waiting/check wrk -t2 -c64 -d"${warmup}s" -s "$BENCH_LUA/with-tokens.lua" "$url" >/dev/null
      analyze
      before="$(commits)"
      result="$(BENCH_TOKENS="$work/crowd" BENCH_PATH=/waiting/check wrk -t2 -c64 -d"${crowd_seconds}s" -s "$BENCH_LUA/with-tokens.lua" "$url" | grep '^RESULT')"
      after="$(commits)"
      per_check="$(echo "scale=4; ($after - $before) / $(field "$result" requests)" | bc)"
      # The crowd goes on checking, paced, until the control group is well past its deadline (the verdict is its lateness).
      rest=$(( control_deadline + 15 - $(date +%s) ))
      if [ "$rest" -gt 0 ]; then
        BENCH_TOKENS="$work/crowd" BENCH_PATH=/waiting/check BENCH_RATE="$crowd_rate" \
          wrk -t2 -c64 -d"${rest}s" -s "$BENCH_LUA/with-tokens.lua" "$url" >/dev/null
      fi
      read -r crowd_found crowd_lost control_found control_lapsed control_late waiting < <(psql_bench -F' ' \
        -c "create temp table crowd (token text, user_id text)" -c "\\copy crowd from '$work/crowd' with (delimiter ' ')" \
        -c "create temp table control (token text, user_id text)" -c "\\copy control from '$work/control' with (delimiter ' ')" \
        -c "select (select count(*) from crowd c join concert.mt_doc_queueticket t on t.token = c.token),
                   (select count(*) from crowd c join concert.mt_doc_queueticket t on t.token = c.token where t.status = 2),
                   (select count(*) from control c join concert.mt_doc_queueticket t on t.token = c.token),
                   (select count(*) from control c join concert.mt_doc_queueticket t on t.token = c.token where t.status = 2),
                   (select coalesce(round(max(extract(epoch from (e.data->>'ExpiredAt')::timestamptz - (t.data->>'IssuedAt')::timestamptz) - $waiting_ttl)::numeric, 1), -1)
                    from control c join concert.mt_doc_queueticket t on t.token = c.token
                    join concert.mt_events e on e.stream_id = t.id and e.type = 'token_expired' and e.data->>'Token' = t.token),
                   (select count(*) from concert.mt_doc_queueticket where status = 0)" "$database")
      row crowd 64 "$result" "target ≥ 20,000 req/s, p99 ≤ 20 ms, ≤ 0.01 commits/check: $per_check commits/check ($(( after - before )) in ${crowd_seconds}s); $crowd_found fans polled, $crowd_lost lost the place; control: $control_lapsed of $control_found lapsed, the last ${control_late}s after its deadline; $waiting waiting at the end"
      ;;
    holds-under-crowd)
      start_server
      fresh_for_holds="" fresh_for_wallet=""
      holders="$(admitted_fans_file 10000 holders)"
      # Nobody else is admitted from here on: the crowd waits.
      admin PATCH /admin/queue "{\"maxActive\":$(admin GET /admin/queue | json_field active)}" >/dev/null
      targets="$(open_schedules 3000)"
      waiting_fans_file 20000 "$work/waiting"
      BENCH_FANS="$holders" BENCH_MODE=distinct BENCH_SCHEDULES=$targets wrk -t2 -c"$write_connections" -d"${warmup}s" -s "$BENCH_LUA/hold.lua" "$url" >/dev/null
      analyze
      alone="$(BENCH_FANS="$holders" BENCH_MODE=distinct BENCH_SEAT_OFFSET=40000 BENCH_SCHEDULES=$targets \
        wrk -t2 -c"$write_connections" -d"${seconds}s" -s "$BENCH_LUA/hold.lua" "$url")"
      BENCH_TOKENS="$work/waiting" BENCH_PATH=/waiting/check BENCH_RATE="$crowd_rate" \
        wrk -t2 -c128 -d"$(( seconds + 7 ))s" -s "$BENCH_LUA/with-tokens.lua" "$url" >"$work/crowd-paced" &
      crowd_pid=$!
      BENCH_FANS="$holders" BENCH_MODE=distinct BENCH_SEAT_OFFSET=80000 BENCH_SCHEDULES=$targets \
        wrk -t2 -c"$write_connections" -d5s -s "$BENCH_LUA/hold.lua" "$url" >/dev/null
      under="$(BENCH_FANS="$holders" BENCH_MODE=distinct BENCH_SEAT_OFFSET=100000 BENCH_SCHEDULES=$targets \
        wrk -t2 -c"$write_connections" -d"${seconds}s" -s "$BENCH_LUA/hold.lua" "$url")"
      wait "$crowd_pid"
      crowd_result="$(grep '^RESULT' "$work/crowd-paced")"
      alone_rps="$(field "$(echo "$alone" | grep '^RESULT')" rps)"
      under_rps="$(field "$(echo "$under" | grep '^RESULT')" rps)"
      row holds "$write_connections" "$(echo "$alone" | grep '^RESULT')" "alone (the reference for the line below)"
      row "  +crowd" "$write_connections" "$(echo "$under" | grep '^RESULT')" \
        "target ≥ 70 % of alone: $(( 100 * under_rps / alone_rps )) %; the crowd meanwhile: $(field "$crowd_result" rps) checks/s of 20,000 waiting fans, p99 $(field "$crowd_result" p99) ms"
      ;;
    balance)
      BENCH_TOKENS="$BENCH_FANS" export BENCH_TOKENS
      row balance 64 "$(load with-tokens.lua "/users/{userId}/amount" 64)" "target ≥ 3,000 req/s, p99 ≤ 50 ms"
      ;;
    charge)
      BENCH_AMOUNT=1000 BENCH_RATE="$charge_rate" wrk -t2 -c"$write_connections" -d"${warmup}s" -s "$BENCH_LUA/charge.lua" "$url" >/dev/null
      analyze
      result="$(BENCH_AMOUNT=1000 BENCH_RATE="$charge_rate" wrk -t2 -c"$write_connections" -d"${seconds}s" -s "$BENCH_LUA/charge.lua" "$url")"
      counts="$(echo "$result" | grep '^COUNTS')"
      row charge "$write_connections" "$(echo "$result" | grep '^RESULT' | sed -E "s/errors=[0-9]+/errors=$(echo "$counts" | sed -E 's/.*other=([0-9]+).*/\1/')/")" \
        "target ≥ 1,500 /s, p99 ≤ 50 ms; 200s: $(echo "$counts" | sed -E 's/.*created=([0-9]+).*/\1/'), 400s: $(echo "$counts" | sed -E 's/.*refused=([0-9]+).*/\1/')"
      ;;
    pay)
      # 36,000 more fans, each granted 200,000 and holding one seat of its own: a payment each.
      payers="$(admitted_fans_file 36000 payers)"
      until [ "$(psql_bench -c "select count(*) from concert.mt_doc_fanwallet where (data->>'Balance')::bigint >= 200000" "$database")" -ge 36000 ]; do
        BENCH_FANS="$payers" BENCH_ONCE=yes BENCH_AMOUNT=200000 BENCH_ADMIN_KEY="$admin_key" \
          wrk -t2 -c64 -d30s -s "$BENCH_LUA/grant.lua" "$url" >/dev/null
      done
      rm -f "$work/held".*
      BENCH_FANS="$payers" BENCH_ONCE=yes BENCH_OUT="$work/held" BENCH_MODE=distinct BENCH_SCHEDULES="$(open_schedules 800)" \
        wrk -t2 -c64 -d30s -s "$BENCH_LUA/hold.lua" "$url" >/dev/null
      cat "$work/held".* | shuf >"$work/held"
      head -n 4000 "$work/held" >"$work/held-warmup"
      tail -n +4001 "$work/held" >"$work/held-measured"
      BENCH_FANS="$work/held-warmup" BENCH_ONCE=yes BENCH_RATE="$pay_rate" wrk -t2 -c"$write_connections" -d2s -s "$BENCH_LUA/pay.lua" "$url" >/dev/null
      analyze
      result="$(BENCH_FANS="$work/held-measured" BENCH_RATE="$pay_rate" wrk -t2 -c"$write_connections" -d"${seconds}s" -s "$BENCH_LUA/pay.lua" "$url")"
      counts="$(echo "$result" | grep '^COUNTS')"
      row pay "$write_connections" "$(echo "$result" | grep '^RESULT' | sed -E "s/errors=[0-9]+/errors=$(echo "$counts" | sed -E 's/.*other=([0-9]+).*/\1/')/")" \
        "target ≥ 1,000 /s, p99 ≤ 50 ms; 201s: $(echo "$counts" | sed -E 's/.*created=([0-9]+).*/\1/'), 402s: $(echo "$counts" | sed -E 's/.*refused=([0-9]+).*/\1/'); $(wc -l <"$work/held-measured") holds ready"
      ;;
    refund)
      start_server
      fresh_for_holds="" fresh_for_wallet=""
      results="$("$root/bench/Refunds/bin/Release/net10.0/Refunds" "$url" "$admin_key" "$refund_fans" "$cancel_schedules" \
        "$write_connections" "$refund_rate" 2>"$work/refunds.log")" || { head -5 "$work/refunds.log" >&2; exit 1; }
      row refund "$write_connections" "$(echo "$results" | grep '^RESULT')" \
        "target: paced like pay, p99 ≤ 50 ms; $(( refund_fans - refund_fans / 5 )) refunds measured"
      cancel="$(echo "$results" | grep '^CANCEL')"
      rows+=("$(printf '%-10s %5s  %s' cancel 8 "$(field "$cancel" schedules) schedules × 50 paid seats cancelled at once: answered in $(field "$cancel" answeredSeconds) s, every ticket refunded $(field "$cancel" settledSeconds) s after the first request ($(field "$cancel" refundsPerSecond) refunds/s)")")
      [ -s "$work/refunds.log" ] && { echo "refund failures (first 5):"; sort "$work/refunds.log" | uniq -c | sort -rn | head -5; } >&2
      ;;
    journey)
      start_server Queue__AdmissionInterval="$admission_interval"
      fresh_for_holds="" fresh_for_wallet=""
      admin PATCH /admin/queue '{"maxActive":1000}' >/dev/null
      # No analyze here: the tickets are yet to come, and statistics of an empty ticket table are the trap itself.
      results="$("$root/bench/Journey/bin/Release/net10.0/Journey" "$url" "$journey_fans" "$journey_warmup" "$seconds" "$(open_schedules 800)" "$journey_rate" 2>"$work/journey.log")"
      while read -r line; do
        step="$(echo "$line" | sed -E 's/.*step=([a-z]+).*/\1/')"
        if [ "$step" = journey ]; then
          row journey "$journey_fans" "$line" "target ≥ 300 journeys/s (p50/p95/p99: a whole journey, admission included)"
        else
          row "  $step" "$journey_fans" "$line" "target p99 ≤ 50 ms"
        fi
      done < <(echo "$results" | grep '^RESULT')
      [ -s "$work/journey.log" ] && { echo "journey failures (first 5):"; sort "$work/journey.log" | uniq -c | sort -rn | head -5; } >&2
      ;;
    opening)
      start_server
      result="$("$root/bench/Opening/bin/Release/net10.0/Opening" "$url" "$admin_key" "$opening_fans" 60 60 | grep '^RESULT')"
      rows+=("$(printf '%-10s %5s  %s' opening 64 "${result#RESULT }")")
      ;;
  esac
  case "$scenario" in
    pay|refund|journey) rows+=("$(money_check)") ;;
  esac
  case "$scenario" in
    balance|charge|pay|refund|journey|pgbench|crowd|holds-under-crowd|opening) ;;
    hold-storm)
      target="$(open_schedules 1)"
      schedule_id="${target#*:}"
      analyze
      result="$(BENCH_MODE=storm BENCH_SCHEDULES=$target wrk -t2 -c64 -d"${seconds}s" -s "$BENCH_LUA/hold.lua" "$url")"
      held="$(psql_bench -c "select count(*) from concert.mt_events where type = 'seat_held' and stream_id like 'seat-$schedule_id-%'" "$database")"
      twice="$(psql_bench -c "select count(*) from (select stream_id from concert.mt_events where type = 'seat_held' and stream_id like 'seat-$schedule_id-%' group by stream_id having count(*) > 1) t" "$database")"
      counts="$(echo "$result" | grep '^COUNTS')"
      row hold-storm 64 "$(echo "$result" | grep '^RESULT' | sed -E "s/errors=[0-9]+/errors=$(echo "$counts" | sed -E 's/.*other=([0-9]+).*/\1/')/")" \
        "target ≥ 2,000 attempts/s; 201s: $(echo "$counts" | sed -E 's/.*created=([0-9]+).*/\1/'), 409s: $(echo "$counts" | sed -E 's/.*refused=([0-9]+).*/\1/'); seats held: $held of 50, held twice: $twice"
      ;;
    holds)
      connections="$write_connections"
      targets="$(open_schedules 1600)"
      BENCH_MODE=distinct BENCH_SCHEDULES=$targets wrk -t2 -c"$connections" -d"${warmup}s" -s "$BENCH_LUA/hold.lua" "$url" >/dev/null
      analyze
      # The measured run starts past every seat the warm-up could have reached.
      result="$(BENCH_MODE=distinct BENCH_SEAT_OFFSET=40000 BENCH_SCHEDULES=$targets \
        wrk -t2 -c"$connections" -d"${seconds}s" -s "$BENCH_LUA/hold.lua" "$url")"
      counts="$(echo "$result" | grep '^COUNTS')"
      twice="$(psql_bench -c "select count(*) from (select stream_id from concert.mt_events where type = 'seat_held' group by stream_id having count(*) > 1) t" "$database")"
      row holds "$connections" "$(echo "$result" | grep '^RESULT' | sed -E "s/errors=[0-9]+/errors=$(echo "$counts" | sed -E 's/.*other=([0-9]+).*/\1/')/")" \
        "target ≥ 1,000 holds/s, p99 ≤ 50 ms; 201s: $(echo "$counts" | sed -E 's/.*created=([0-9]+).*/\1/'), 409s: $(echo "$counts" | sed -E 's/.*refused=([0-9]+).*/\1/'); seats held twice: $twice"
      ;;
    expiry)
      start_server Holds__Duration=00:00:30
      fresh_for_holds="" fresh_for_wallet=""
      BENCH_FANS="$(admitted_fans_file 10000)" export BENCH_FANS
      targets="$(open_schedules 450)"
      held=0 offset=0
      while [ "$held" -lt 20000 ]; do
        BENCH_MODE=distinct BENCH_SEAT_OFFSET=$offset BENCH_SCHEDULES=$targets \
          wrk -t2 -c64 -d5s -s "$BENCH_LUA/hold.lua" "$url" >/dev/null
        held="$(psql_bench -c "select count(*) from concert.mt_doc_reservation" "$database")"
        offset=$(( held + 2 ))
      done
      # The service goes down and comes back once every hold is due: the whole backlog waits for it.
      stop_server
      last_due="$(psql_bench -c "select max((data->>'HoldExpiresAt')::timestamptz) from concert.mt_doc_reservation" "$database")"
      sleep "$(psql_bench -c "select greatest(0, ceil(extract(epoch from '$last_due'::timestamptz - now())))::int + 1" "$database")"
      run_server Holds__Duration=00:00:30
      for _ in $(seq 1 300); do
        expired="$(psql_bench -c "select count(*) from concert.mt_events where type = 'reservation_expired'" "$database")"
        [ "$expired" -ge "$held" ] && break
        sleep 1
      done
      read -r rate lag twice freed < <(psql_bench -F' ' -c "
        select round(count(*) / greatest(extract(epoch from max(timestamp) - min(timestamp)), 0.001)),
               round(extract(epoch from max(timestamp) - '$last_due'::timestamptz)::numeric, 1),
               (select count(*) from (select stream_id from concert.mt_events where type = 'reservation_expired'
                                      group by stream_id having count(*) > 1) t),
               (select count(*) from concert.mt_events where type = 'hold_expired')
        from concert.mt_events where type = 'reservation_expired'" "$database")
      rows+=("$(printf '%-10s %5s %9s %8s %8s %8s %7s  %s' expiry 64 "$rate" - - - 0 \
        "target ≥ 1,000 expiries/s, a backlog due during a restart; holds: $held, expired: $expired, twice: $twice, seats freed: $freed; drained ${lag}s after the last was due")")
      ;;
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
      row issue 64 "$(load issue.lua /waiting/issue 64)" "target ≥ 6,000 tokens/s"
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
printf '%-10s %5s %9s %8s %8s %8s %7s  %s\n' scenario conns "req/s" "p50 ms" "p95 ms" "p99 ms" errors notes
printf '%s\n' "${rows[@]}"
echo "server warnings and errors: $(grep -cE '^(warn|fail|crit):' "$work/server.log") (log: .local/bench-server.log)"
