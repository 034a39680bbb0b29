#!/usr/bin/env bash
# Concert's fault suite: fans keep going (issue → check → hold → charge → pay, every other fan leaving the hold
# unpaid, every other payer coming back to refund; lost answers and 503s sent again under the same Idempotency-Key,
# to the other node) while this script
#   (a) sends six schedules' cancellations to a node at once and kill -9s it as soon as the first is answered (the
#       others in flight or waiting their turn on the concert's lock, the first's settlements under way), then starts
#       it again,
#   (b) restarts PostgreSQL fast, immediate and fast again,
#   (c) kill -9s the other node for good (the fans go on with the one left),
# then checks, from the events, the views and the API: every answered 201 (and refund's 200) is in the events; no seat
# is sold twice, no ticket refunded twice; grants + charges − payments + refunds = the sum of the balances from the
# events, from the wallet views and from the API; every cancelled schedule settled (holds released, tickets refunded);
# every unpaid hold has exactly one expiry, recorded within the bound; no answer was a 5xx other than 503; admission
# never passed its cap. Prints a table of what it did and the verdicts; exits 1 on any violation.
# Usage: bench/faults.sh   (about 2 minutes; PostgreSQL and both nodes share this machine)
# Non-default settings, each named in the table: Holds:Duration 10 s (unpaid holds lapse during the run),
# Holds:SweepInterval and SweepAfter 5 s (the bound on an expiry that scheduling lost is reached within the run),
# Queue:MaxActive 40 and Queue:ActiveTtl 15 s (the cap is met and checked, and turns left unpaid end within the run),
# RateLimits off (every fan comes from this machine's one address).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
fans="${FAULTS_FANS:-64}"
ports=(5101 5102)
admin_key="faults-admin-key"
token_secret="$(head -c 32 /dev/urandom | base64)"
database="concert_faults"
hold_seconds=10 sweep_seconds=5 max_active=40 turn_seconds=15
# An unpaid hold's expiry is recorded by its scheduled message within a second or two, or by the sweep at most
# SweepAfter + SweepInterval after its lapse, plus a sweep's own work.
bound_seconds=$(( sweep_seconds + sweep_seconds + 5 ))
work="$(mktemp -d)"
pg_port="${CONCERT_PG_PORT:-55432}"
psql_faults() { psql -h 127.0.0.1 -p "$pg_port" -U postgres -Atq "$@"; }
sql() { psql_faults -c "$1" "$database"; }

"$root/concert" db start >/dev/null
server="$("$root/concert" db url)"
dotnet build "$root/src/Concert.Api" -c Release -v quiet -nologo >/dev/null
dotnet build "$root/bench/Faults" -c Release -v quiet -nologo >/dev/null
psql_faults -c "drop database if exists $database with (force)" postgres
psql_faults -c "create database $database" postgres

declare -A node_pid=()
seconds() { printf '00:%02d:%02d' $(( $1 / 60 )) $(( $1 % 60 )); }
log() { printf '%s  %s\n' "$(date +%T)" "$*" | tee -a "$work/actions.log" >&2; }

start_node() {
  local port="$1"
  (
    cd "$root/src/Concert.Api/bin/Release/net10.0"
    export ConnectionStrings__Postgres="${server/Database=concert/Database=$database}"
    export ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="http://127.0.0.1:$port" Admin__ApiKey="$admin_key" \
      Queue__TokenKeys__0__Id=1 Queue__TokenKeys__0__Secret="$token_secret" Logging__LogLevel__Default=Warning \
      Holds__Duration="$(seconds "$hold_seconds")" Holds__SweepInterval="$(seconds "$sweep_seconds")" \
      Holds__SweepAfter="$(seconds "$sweep_seconds")" Queue__MaxActive="$max_active" Queue__ActiveTtl="$(seconds "$turn_seconds")" \
      RateLimits__IssuesPerSecond=0 RateLimits__MalformedPerMinute=0
    exec dotnet Concert.Api.dll >>"$work/node-$port.log" 2>&1
  ) &
  node_pid[$port]=$!
  local tries=0
  until curl -fs -o /dev/null "http://127.0.0.1:$port/health/live"; do
    sleep 0.2; tries=$(( tries + 1 ))
    [ "$tries" -lt 300 ] || { echo "faults: the node on $port did not start (log: .local/faults-last)" >&2; exit 1; }
  done
}

kill_node() { kill -9 "${node_pid[$1]}" 2>/dev/null || true; wait "${node_pid[$1]}" 2>/dev/null || true; }
cleanup() {
  for port in "${!node_pid[@]}"; do kill_node "$port"; done
  [ -n "${sampler_pid:-}" ] && kill "$sampler_pid" 2>/dev/null || true
  mkdir -p "$root/.local" && rm -rf "$root/.local/faults-last" && cp -r "$work" "$root/.local/faults-last" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

admin() { curl -fs -X "$1" "http://127.0.0.1:${ports[0]}$2" -H "X-Admin-Key: $admin_key" -H 'Content-Type: application/json' ${3:+-d "$3"}; }

(
  cd "$root/src/Concert.Api/bin/Release/net10.0"
  ConnectionStrings__Postgres="${server/Database=concert/Database=$database}" dotnet Concert.Api.dll db-apply >/dev/null
)
for port in "${ports[@]}"; do start_node "$port"; done
log "two nodes up on ${ports[*]}"

schedules="$(seq 1 20 | sed 's/.*/{"startAt":"2027-06-01T19:00:00"}/' | paste -sd, -)"
opened="$(admin POST /admin/concerts "{\"title\":\"Faults\",\"schedules\":[$schedules]}")"
concert_id="$(echo "$opened" | sed -E 's/.*"concertId":([0-9]+).*/\1/')"
pairs="$(echo "$opened" | grep -o '"scheduleId":[0-9]*' | cut -d: -f2 | sed "s/^/$concert_id:/" | paste -sd, -)"

# The line's cap, sampled twice a second from both nodes' view of the database.
(
  while true; do
    for port in "${ports[@]}"; do
      { curl -fs "http://127.0.0.1:$port/admin/queue" -H "X-Admin-Key: $admin_key" 2>/dev/null \
          | sed -E 's/.*"active":([0-9]+).*"maxActive":([0-9]+).*/\1 \2/' || true; echo; } >>"$work/active.txt"
    done
    sleep 0.5
  done
) &
sampler_pid=$!

urls="$(printf 'http://127.0.0.1:%s,' "${ports[@]}")"
"$root/bench/Faults/bin/Release/net10.0/Faults" "${urls%,}" "$fans" "$work/out" "$work/stop" "$pairs" 2>"$work/driver.log" &
driver_pid=$!
log "$fans fans going, round robin over both nodes"

sleep 15
cancelled_schedules="$(echo "$pairs" | tr ',' '\n' | head -n 6 | cut -d: -f2)"
for schedule in $cancelled_schedules; do admin POST "/admin/schedules/$schedule/cancel" >"$work/cancel-$schedule" 2>/dev/null & done
for _ in $(seq 1 100); do cat "$work"/cancel-* 2>/dev/null | grep -q . && break; sleep 0.05; done
kill_node "${ports[0]}"
log "(a) schedules $(echo $cancelled_schedules | tr ' ' ',') being cancelled on the node on ${ports[0]}, killed (-9) once the first was answered"
log "(a) $(sql "select count(*) from concert.wolverine_incoming_envelopes where message_type like '%SettleWithdrawnSeat%' and status <> 'Handled'") seat settlements (holds to release, tickets to refund) not yet handled when it died"
sleep 3; start_node "${ports[0]}"; log "(a) node on ${ports[0]} started again"
for mode in fast immediate fast; do
  sleep 12; "$root/concert" db restart "$mode" 2>/dev/null; log "(b) PostgreSQL restarted ($mode)"
done
sleep 6
# Some scheduled expiries lost, as a dead letter would lose them: the sweep must record those within the bound.
lost_expiries="$(sql "with lost as (delete from concert.wolverine_incoming_envelopes where message_type like '%ExpireHold%' and random() < 0.3 returning 1) select count(*) from lost")"
log "$lost_expiries scheduled expiries deleted (the sweep must record them)"
sleep 6
# The node on ports[1] never restarted: the oldest node record is its own. How many report projections it runs:
victim_projections="$(sql "select count(*) from concert.wolverine_node_assignments a where a.id like 'event-subscriptions:%' and a.node_id = (select id from concert.wolverine_nodes order by started limit 1)")"
log "(c) kill -9 the node on ${ports[1]}, for good (it ran $victim_projections of the report projections)"; kill_node "${ports[1]}"
sleep 20
# How far the reports (async projections, run by one node at a time) trail the events while the fans still write: the
# age of the oldest event they have not yet applied, 20 s after a node died for good.
report_lag="$(sql "select coalesce(round(extract(epoch from now() - min(e.timestamp))::numeric, 1), 0) from concert.mt_events e where e.seq_id > (select coalesce(min(last_seq_id), 0) from concert.mt_event_progression where name not like 'HighWater%')")"
touch "$work/stop"; wait "$driver_pid"; log "fans stopped"
kill "$sampler_pid" 2>/dev/null || true; sampler_pid=""
sleep $(( hold_seconds + bound_seconds )); log "waited for the last holds to lapse and their expiries to be recorded"

# ---- verdicts ----
failed=0
verdict() { # NAME OK DETAIL
  printf '| %-58s | %-4s | %s |\n' "$1" "$([ "$2" = 0 ] && echo pass || echo FAIL)" "$3"
  [ "$2" = 0 ] || failed=1
}
count_lines() { if [ -f "$1" ]; then grep -c . "$1" || true; else echo 0; fi; }

sql "create table answered_holds(id bigint)"
sql "create table answered_payments(reservation_id bigint, payment_id bigint)"
psql_faults -c "\\copy answered_holds from '$work/out/holds.txt'" "$database"
psql_faults -c "\\copy answered_payments from '$work/out/payments.txt' with (delimiter ' ')" "$database"

holds="$(count_lines "$work/out/holds.txt")"
missing_holds="$(sql "select count(*) from answered_holds a where not exists (select from concert.mt_events e where e.stream_id = 'reservation-' || a.id and e.type = 'reservation_placed')")"
verdict "every answered hold (201) is in the events" "$(( missing_holds + (holds == 0) ))" "$holds answered, $missing_holds missing"

payments="$(count_lines "$work/out/payments.txt")"
missing_payments="$(sql "select count(*) from answered_payments a where not exists (select from concert.mt_events e where e.stream_id = 'reservation-' || a.reservation_id and e.type = 'payment_confirmed' and (e.data ->> 'PaymentId')::bigint = a.payment_id)")"
verdict "every answered payment (201) is in the events" "$(( missing_payments + (payments == 0) ))" "$payments answered, $missing_payments missing"

sold_twice="$(sql "select count(*) from (select stream_id from concert.mt_events where type in ('seat_sold', 'sale_refunded') group by stream_id having count(*) filter (where type = 'seat_sold') - count(*) filter (where type = 'sale_refunded') > 1) twice")"
sold="$(sql "select count(*) from concert.mt_events where type = 'seat_sold'")"
verdict "no seat sold twice" "$sold_twice" "$sold seats sold, $sold_twice more than once"

sql "create table answered_refunds(reservation_id bigint)"
psql_faults -c "\\copy answered_refunds from '$work/out/refunds.txt'" "$database"
asked_refunds="$(count_lines "$work/out/refunds.txt")"
missing_refunds="$(sql "select count(*) from answered_refunds a where not exists (select from concert.mt_events e where e.stream_id = 'reservation-' || a.reservation_id and e.type = 'reservation_refunded')")"
refunded_twice="$(sql "select count(*) from (select stream_id from concert.mt_events where type = 'reservation_refunded' group by stream_id having count(*) > 1) twice")"
all_refunds="$(sql "select count(*) from concert.mt_events where type = 'reservation_refunded'")"
verdict "every answered refund (200) is in the events; none twice" "$(( missing_refunds + refunded_twice + (asked_refunds == 0) ))" "$asked_refunds answered, $missing_refunds missing; $all_refunds refunds in all (the cancellations' too), $refunded_twice tickets more than once"

# Only the cancellations that committed before the kill count; each of them must settle.
unsettled=1 deadline=$(( $(date +%s) + 30 ))
while [ "$unsettled" -gt 0 ] && [ "$(date +%s)" -lt "$deadline" ]; do
  unsettled=0 committed=0 settled_detail=""
  for schedule in $cancelled_schedules; do
    overview="$(admin GET "/admin/schedules/$schedule" || echo '{}')"
    echo "$overview" | grep -q '"cancelled":true' || continue
    committed=$(( committed + 1 ))
    echo "$overview" | grep -q '"complete":true' || unsettled=$(( unsettled + 1 ))
    settled_detail="$settled_detail $schedule: $(echo "$overview" | sed -E 's/.*"cancellation":(\{[^}]*\}).*/\1/');"
  done
  [ "$unsettled" = 0 ] || sleep 1
done
# Marten stores the refund's Reason by number: 1 is RefundReason.ScheduleCancelled.
cancel_refunds="$(sql "select count(*) from concert.mt_events where type = 'reservation_refunded' and data ->> 'Reason' = '1'")"
verdict "every cancelled schedule settled (each hold released, each ticket refunded)" "$(( unsettled + (committed == 0) ))" "$committed of 6 cancellations committed before the kill; $cancel_refunds refunded by them;$settled_detail"

from_events="$(sql "select coalesce(sum(case type when 'wallet_debited' then -(data ->> 'Amount')::bigint else (data ->> 'Amount')::bigint end), 0) from concert.mt_events where type in ('wallet_charged', 'wallet_granted', 'wallet_debited', 'wallet_refunded')")"
from_views="$(sql "select coalesce(sum((data ->> 'Balance')::bigint), 0) from concert.mt_doc_fanwallet")"
from_api=0 wallets=0
for user in $(sql "select data ->> 'UserId' from concert.mt_doc_fanwallet order by random() limit 200"); do
  balance="$(admin GET "/admin/support/users/$user/balance" | sed -E 's/.*"balance":(-?[0-9]+).*/\1/')"
  view="$(sql "select data ->> 'Balance' from concert.mt_doc_fanwallet where data ->> 'UserId' = '$user'")"
  [ "$balance" = "$view" ] || from_api=$(( from_api + 1 ))
  wallets=$(( wallets + 1 ))
done
money=$([ "$from_events" = "$from_views" ] && [ "$from_api" = 0 ] && [ "$wallets" -gt 0 ] && echo 0 || echo 1)
verdict "money: events = wallet views = API (refunds counted)" "$money" "events $from_events, views $from_views; $from_api of $wallets sampled wallets differ in the API"

unexpired="$(sql "select count(*) from concert.mt_doc_reservation r where r.status = 0 and (r.data ->> 'HoldExpiresAt')::timestamptz < now() - interval '$bound_seconds seconds'")"
expiries="$(sql "select count(*) from concert.mt_events where type = 'reservation_expired'")"
twice_expired="$(sql "select count(*) from (select stream_id from concert.mt_events where type = 'reservation_expired' group by stream_id having count(*) > 1) twice")"
late="$(sql "select count(*) from concert.mt_events e join concert.mt_doc_reservation r on r.id = e.stream_id where e.type = 'reservation_expired' and e.timestamp > (r.data ->> 'HoldExpiresAt')::timestamptz + interval '$bound_seconds seconds'")"
latest="$(sql "select coalesce(round(max(extract(epoch from e.timestamp - (r.data ->> 'HoldExpiresAt')::timestamptz))::numeric, 1), 0) from concert.mt_events e join concert.mt_doc_reservation r on r.id = e.stream_id where e.type = 'reservation_expired'")"
verdict "every unpaid hold expired once, within ${bound_seconds} s" "$(( unexpired + twice_expired + late + (expiries == 0) ))" "$expiries expiries; $unexpired never recorded, $twice_expired twice, $late late; latest ${latest} s after its lapse"

lagging=$(awk -v lag="$report_lag" 'BEGIN { print (lag > 10) ? 1 : 0 }')
verdict "reports trail the events by ≤ 10 s, 20 s after a node died" "$lagging" "the oldest event not yet in the reports: ${report_lag} s old; the dead node ran $victim_projections of them"

server_errors="$(count_lines "$work/out/server-errors.txt")"
verdict "no answer was a 5xx other than 503" "$server_errors" "$server_errors ($(head -c 200 "$work/out/server-errors.txt" 2>/dev/null | tr '\n' ' '))"

over_cap="$(awk 'NF == 2 && $1 > $2' "$work/active.txt" 2>/dev/null | wc -l)"
samples="$(awk 'NF == 2' "$work/active.txt" 2>/dev/null | wc -l)"
verdict "admission never above its cap ($max_active)" "$(( over_cap + (samples == 0) ))" "$samples samples, $over_cap above"

echo
echo "What the fans met (step, status or lost answer, count):"
column -t "$work/out/statuses.txt" | sed 's/^/  /'
echo
echo "What was done:"
sed 's/^/  /' "$work/actions.log"
if [ "$failed" = 0 ]; then echo "faults: every check passed"; else echo "faults: VIOLATIONS (logs kept in .local/faults-last)"; fi
exit "$failed"
