using Concert.Domain.Catalog;

namespace Concert.Domain.Reservations;

/// <summary>A seat held: the seat's event and the new reservation's first.</summary>
public sealed record SeatHold(SeatHeld SeatHeld, ReservationPlaced Placed);

public enum HoldRefusal
{
    /// <summary>The seat is held by another reservation or sold.</summary>
    SeatTaken,
}

/// <summary>Holding seats and letting lapsed holds go, free of I/O.</summary>
public static class SeatHolding
{
    /// <summary>A seat can be held only while it reads AVAILABLE: never held, released, or its hold lapsed.</summary>
    public static Decision<SeatHold, HoldRefusal> Hold(Seat seat, long reservationId, Guid userId, DateTimeOffset now, TimeSpan duration)
    {
        if (seat.StatusAt(now) != SeatStatus.Available) return HoldRefusal.SeatTaken;
        var expiresAt = now + duration;
        return new SeatHold(
            new SeatHeld(seat.ScheduleId, seat.Number, reservationId, userId, expiresAt),
            new ReservationPlaced(reservationId, userId, seat.ConcertId, seat.ScheduleId, seat.Number, seat.Price, now, expiresAt));
    }

    /// <summary>
    /// The expiry of a hold, due at its HoldExpiresAt: nothing when the reservation is no longer on hold (paid, or
    /// already expired), so running it twice, or after a payment, changes nothing.
    /// </summary>
    public static ReservationExpired? ExpireReservation(Reservation reservation, DateTimeOffset now) =>
        reservation.Status == ReservationStatus.OnHold && reservation.HoldExpiresAt <= now
            ? new ReservationExpired(reservation.ReservationId, now)
            : null;

    /// <summary>Frees the seat only if it is still held by this reservation.</summary>
    public static HoldExpired? ReleaseSeat(Seat seat, long reservationId) =>
        seat.Status == SeatStatus.TempReserved && seat.ReservationId == reservationId
            ? new HoldExpired(seat.ScheduleId, seat.Number, reservationId)
            : null;
}
