using Concert.Api.Operations;
using Concert.Domain.Catalog;
using Concert.Domain.Reservations;
using Marten;
using Wolverine;

namespace Concert.Api.Reservations;

/// <summary>Due at a hold's HoldExpiresAt: a durable scheduled message, stored with the hold's own transaction.</summary>
public sealed record ExpireHold(long ReservationId);

public static class ExpireHoldHandler
{
    /// <summary>
    /// Records the lapse of an unpaid hold and frees its seat. Idempotent: a paid or already expired reservation is
    /// left alone, and the seat is freed only while this reservation still holds it.
    /// </summary>
    public static async Task<OutgoingMessages> Handle(ExpireHold command, IDocumentSession session, TimeProvider clock,
        ConcertMetrics metrics, CancellationToken cancellation)
    {
        var now = clock.GetUtcNow();
        var reservation = await session.Events.FetchForWriting<Reservation>(Reservation.StreamKey(command.ReservationId), cancellation);
        if (reservation.Aggregate is not { } current) return [];
        if (current.Status == ReservationStatus.OnHold && current.HoldExpiresAt > now)
        {
            // Delivered early (clocks differ): come back when it is due.
            return [command.ScheduledAt(current.HoldExpiresAt)];
        }

        if (SeatHolding.ExpireReservation(current, now) is not { } expired) return [];
        reservation.AppendOne(expired);
        metrics.ExpiryLateness.Record((now - current.HoldExpiresAt).TotalSeconds);

        var seat = await session.Events.FetchForWriting<Seat>(Seat.StreamKey(current.ScheduleId, current.SeatNumber), cancellation);
        if (seat.Aggregate is not null && SeatHolding.ReleaseSeat(seat.Aggregate, current.ReservationId) is { } released)
        {
            seat.AppendOne(released);
        }

        return [];
    }
}
