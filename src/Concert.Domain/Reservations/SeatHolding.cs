using Concert.Domain.Catalog;

namespace Concert.Domain.Reservations;

/// <summary>A seat held: the seat's event and the new reservation's first.</summary>
public sealed record SeatHold(SeatHeld SeatHeld, ReservationPlaced Placed);

public enum HoldRefusal
{
    /// <summary>The seat is held by another reservation or sold.</summary>
    SeatTaken,

    /// <summary>The seat's schedule was cancelled.</summary>
    ScheduleCancelled,
}

/// <summary>A hold the fan let go: the reservation's event, and the seat's while the seat is still this hold's.</summary>
public sealed record HoldRelease(ReservationReleased Released, HoldReleased? SeatFreed);

/// <summary>A hold its schedule's cancellation ended: the reservation's event and the seat's.</summary>
public sealed record HoldCancellation(ReservationCancelled Cancelled, HoldReleased SeatFreed);

public enum ReleaseRefusal
{
    /// <summary>No such reservation for this fan.</summary>
    ReservationNotFound,

    /// <summary>Paid: a paid seat is refunded, not released.</summary>
    AlreadyPaid,

    /// <summary>The hold is over already (lapsed or let go): there is nothing to release, and nothing changes.</summary>
    NoLongerOnHold,
}

/// <summary>Holding seats and letting lapsed holds go, free of I/O.</summary>
public static class SeatHolding
{
    /// <summary>
    /// A seat can be held only while it reads AVAILABLE: never held, released, or its hold lapsed; and never once its
    /// schedule is cancelled.
    /// </summary>
    public static Decision<SeatHold, HoldRefusal> Hold(Seat seat, long reservationId, Guid userId, DateTimeOffset now, TimeSpan duration)
    {
        if (seat.Withdrawn) return HoldRefusal.ScheduleCancelled;
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

    /// <summary>
    /// A fan lets their own hold go before it lapses: the reservation reads RELEASED and the seat is back on sale at once;
    /// the scheduled expiry then finds nothing on hold.
    /// </summary>
    public static Decision<HoldRelease, ReleaseRefusal> Release(Reservation? reservation, Seat? seat, Guid fan, DateTimeOffset now)
    {
        if (reservation is null || reservation.UserId != fan) return ReleaseRefusal.ReservationNotFound;
        return reservation.StatusAt(now) switch
        {
            ReservationStatus.OnHold => new HoldRelease(new ReservationReleased(reservation.ReservationId, now),
                seat is not null && HoldsSeat(seat, reservation.ReservationId)
                    ? new HoldReleased(reservation.ScheduleId, reservation.SeatNumber, reservation.ReservationId)
                    : null),
            ReservationStatus.Confirmed => ReleaseRefusal.AlreadyPaid,
            ReservationStatus.Expired or ReservationStatus.Released or ReservationStatus.Refunded or ReservationStatus.Cancelled =>
                ReleaseRefusal.NoLongerOnHold,
        };
    }

    /// <summary>
    /// The hold a withdrawn seat still has, ended by its schedule's cancellation: nothing when the seat is not held by
    /// this reservation or the reservation is no longer on hold, so settling a seat twice changes nothing. A hold that
    /// lapsed unrecorded is cancelled too: the schedule's end is what the fan needs to read.
    /// </summary>
    public static HoldCancellation? CancelHold(Reservation reservation, Seat seat, DateTimeOffset now) =>
        seat.Withdrawn && HoldsSeat(seat, reservation.ReservationId) && reservation.Status == ReservationStatus.OnHold
            ? new HoldCancellation(new ReservationCancelled(reservation.ReservationId, now),
                new HoldReleased(reservation.ScheduleId, reservation.SeatNumber, reservation.ReservationId))
            : null;

    /// <summary>Frees the seat only if it is still held by this reservation.</summary>
    public static HoldExpired? ReleaseSeat(Seat seat, long reservationId) =>
        HoldsSeat(seat, reservationId) ? new HoldExpired(seat.ScheduleId, seat.Number, reservationId) : null;

    private static bool HoldsSeat(Seat seat, long reservationId) =>
        seat.Status == SeatStatus.TempReserved && seat.ReservationId == reservationId;
}
