#!/usr/bin/env bash
# Projection rebuild speed: a database holding ~1,000,000 events, every projection rebuilt from them by the
# service's own command (`projections rebuild`), timed. Target ≥ 20,000 events/s.
# The history is written straight into the event tables by SQL (writing it through the API would take most of an
# hour): BENCH_SCHEDULES [3,334] schedules of 50 seats; every seat opened, held once; every other hold paid
# (a charge, a payment, a sale), the rest expired; ~6 events a seat. Event bodies have the shape Marten writes.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
schedules="${BENCH_SCHEDULES:-3334}"
database="concert_rebuild"
psql_bench() { psql -h 127.0.0.1 -p "${CONCERT_PG_PORT:-55432}" -U postgres -Atq "$@"; }

"$root/concert" db start >/dev/null
server="$("$root/concert" db url)"
dotnet build "$root/src/Concert.Api" -c Release -v quiet -nologo >/dev/null
psql_bench -c "drop database if exists $database with (force)" -c "create database $database" postgres
cd "$root/src/Concert.Api/bin/Release/net10.0"
export ConnectionStrings__Postgres="${server/Database=concert/Database=$database}" ASPNETCORE_ENVIRONMENT=Production
dotnet Concert.Api.dll db-apply >/dev/null

echo "writing the history of $schedules schedules..."
psql_bench -v schedules="$schedules" "$database" <<'SQL'
set search_path = concert;
create temporary table seat_plan as
select s as schedule_id, (s - 1) / 100 + 1 as concert_id, n as seat_number, (s - 1) * 50 + n as reservation_id,
       case when n <= 10 then 110000 when n <= 30 then 80000 else 60000 end as price,
       md5('fan' || ((s - 1) * 50 + n))::uuid as user_id,
       timestamptz '2026-11-01 10:00:00Z' + ((s - 1) * 50 + n) * interval '1 second' as held_at
from generate_series(1, :schedules) s, generate_series(1, 50) n;

create temporary table history (stream_id text, stream_type text, version int, type text, dotnet text, data jsonb,
                                at timestamptz, phase int, ord bigint);
insert into history
select 'concert-' || c, 'concert_listing', 1, 'concert_created', 'Concert.Domain.Catalog.ConcertCreated, Concert.Domain',
       jsonb_build_object('ConcertId', c, 'Title', 'Rebuild bench ' || c), '2026-11-01Z', 1, c * 1000
from generate_series(1, (:schedules - 1) / 100 + 1) c;
insert into history
select 'concert-' || ((s - 1) / 100 + 1), 'concert_listing', (s - 1) % 100 + 2, 'schedule_opened',
       'Concert.Domain.Catalog.ScheduleOpened, Concert.Domain',
       jsonb_build_object('ConcertId', (s - 1) / 100 + 1, 'ScheduleId', s, 'StartAt', '2027-06-01T19:00:00', 'SeatCount', 50),
       '2026-11-01Z', 1, ((s - 1) / 100 + 1) * 1000 + (s - 1) % 100 + 1
from generate_series(1, :schedules) s;
insert into history
select 'seat-' || schedule_id || '-' || seat_number, 'seat', 1, 'seat_opened', 'Concert.Domain.Catalog.SeatOpened, Concert.Domain',
       jsonb_build_object('ConcertId', concert_id, 'ScheduleId', schedule_id, 'SeatNumber', seat_number, 'Price', price),
       '2026-11-01Z', 2, reservation_id
from seat_plan;
insert into history
select 'seat-' || schedule_id || '-' || seat_number, 'seat', 2, 'seat_held', 'Concert.Domain.Reservations.SeatHeld, Concert.Domain',
       jsonb_build_object('ScheduleId', schedule_id, 'SeatNumber', seat_number, 'ReservationId', reservation_id,
                          'UserId', user_id, 'HoldExpiresAt', held_at + interval '5 minutes'), held_at, 3, reservation_id * 10
from seat_plan
union all
select 'reservation-' || reservation_id, 'reservation', 1, 'reservation_placed', 'Concert.Domain.Reservations.ReservationPlaced, Concert.Domain',
       jsonb_build_object('ReservationId', reservation_id, 'UserId', user_id, 'ConcertId', concert_id, 'ScheduleId', schedule_id,
                          'SeatNumber', seat_number, 'Price', price, 'HeldAt', held_at, 'HoldExpiresAt', held_at + interval '5 minutes'),
       held_at, 3, reservation_id * 10 + 1
from seat_plan
union all
select 'wallet-' || user_id, 'fan_wallet', 1, 'wallet_charged', 'Concert.Domain.Wallet.WalletCharged, Concert.Domain',
       jsonb_build_object('UserId', user_id, 'Amount', price, 'Month', '2026-11', 'ChargedAt', held_at + interval '1 minute'),
       held_at + interval '1 minute', 3, reservation_id * 10 + 2
from seat_plan where reservation_id % 2 = 0
union all
select 'wallet-' || user_id, 'fan_wallet', 2, 'wallet_debited', 'Concert.Domain.Wallet.WalletDebited, Concert.Domain',
       jsonb_build_object('UserId', user_id, 'Amount', price, 'PaymentId', reservation_id, 'ReservationId', reservation_id,
                          'DebitedAt', held_at + interval '2 minutes'), held_at + interval '2 minutes', 3, reservation_id * 10 + 3
from seat_plan where reservation_id % 2 = 0
union all
select 'reservation-' || reservation_id, 'reservation', 2, 'payment_confirmed', 'Concert.Domain.Payments.PaymentConfirmed, Concert.Domain',
       jsonb_build_object('PaymentId', reservation_id, 'ReservationId', reservation_id, 'UserId', user_id, 'Amount', price,
                          'PaidAt', held_at + interval '2 minutes'), held_at + interval '2 minutes', 3, reservation_id * 10 + 4
from seat_plan where reservation_id % 2 = 0
union all
select 'seat-' || schedule_id || '-' || seat_number, 'seat', 3, 'seat_sold', 'Concert.Domain.Payments.SeatSold, Concert.Domain',
       jsonb_build_object('ScheduleId', schedule_id, 'SeatNumber', seat_number, 'ReservationId', reservation_id,
                          'PaymentId', reservation_id, 'Amount', price), held_at + interval '2 minutes', 3, reservation_id * 10 + 5
from seat_plan where reservation_id % 2 = 0
union all
select 'reservation-' || reservation_id, 'reservation', 2, 'reservation_expired', 'Concert.Domain.Reservations.ReservationExpired, Concert.Domain',
       jsonb_build_object('ReservationId', reservation_id, 'ExpiredAt', held_at + interval '5 minutes'),
       held_at + interval '5 minutes', 3, reservation_id * 10 + 6
from seat_plan where reservation_id % 2 = 1
union all
select 'seat-' || schedule_id || '-' || seat_number, 'seat', 3, 'hold_expired', 'Concert.Domain.Reservations.HoldExpired, Concert.Domain',
       jsonb_build_object('ScheduleId', schedule_id, 'SeatNumber', seat_number, 'ReservationId', reservation_id),
       held_at + interval '5 minutes', 3, reservation_id * 10 + 7
from seat_plan where reservation_id % 2 = 1;

insert into mt_streams (id, type, version, timestamp, created)
select stream_id, min(stream_type), max(version), max(at), min(at) from history group by stream_id;
insert into mt_events (seq_id, id, stream_id, version, data, type, timestamp, mt_dotnet_type)
select nextval('mt_events_sequence'), gen_random_uuid(), stream_id, version, data, type, at, dotnet
from (select * from history order by phase, ord) ordered;
analyze mt_events;
analyze mt_streams;
SQL
events="$(psql_bench -c "select count(*) from concert.mt_events" "$database")"
echo "rebuilding every projection from $events events..."
log="$(mktemp)"
started=$(date +%s.%N)
dotnet Concert.Api.dll projections rebuild >"$log" 2>&1
seconds="$(echo "$(date +%s.%N) - $started" | bc)"

echo
echo "Concert rebuild bench: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; PostgreSQL on this machine"
printf '%-16s %10s %10s  %s\n' projection "ms" "" ""
grep -oE 'Finished rebuilding [A-Za-z]+ in [0-9]+ ms' "$log" | awk '{printf "%-16s %10s\n", $3, $5}'
printf '%-16s %10s events in %.1f s (the command, start-up included): %.0f events/s — target ≥ 20,000 events/s\n' \
  all "$events" "$seconds" "$(echo "$events / $seconds" | bc -l)"
rm -f "$log"
