using Concert.Domain.Payments;

namespace Concert.Domain.Reservations;

public enum ReservationStatus
{
    OnHold,
    Expired,
    Confirmed,

    /// <summary>The fan let the hold go before it lapsed.</summary>
    Released,

    /// <summary>Paid, then refunded: the seat is back on sale and the price back in the wallet.</summary>
    Refunded,

    /// <summary>On hold when its schedule was cancelled.</summary>
    Cancelled,
}

/// <summary>A fan's reservation: on hold until paid or lapsed.</summary>
public sealed record Reservation(
    string Id,
    long ReservationId,
    Guid UserId,
    long ConcertId,
    long ScheduleId,
    int SeatNumber,
    long Price,
    ReservationStatus Status,
    DateTimeOffset HoldExpiresAt,
    long? PaymentId = null,
    DateTimeOffset? PaidAt = null)
{
    public static string StreamKey(long reservationId) => $"reservation-{reservationId}";

    public static Reservation Create(ReservationPlaced placed) =>
        new(StreamKey(placed.ReservationId), placed.ReservationId, placed.UserId, placed.ConcertId, placed.ScheduleId,
            placed.SeatNumber, placed.Price, ReservationStatus.OnHold, placed.HoldExpiresAt);

    public Reservation Apply(ReservationExpired expired) => this with { Status = ReservationStatus.Expired };

    public Reservation Apply(ReservationReleased released) => this with { Status = ReservationStatus.Released };

    public Reservation Apply(ReservationRefunded refunded) => this with { Status = ReservationStatus.Refunded };

    public Reservation Apply(ReservationCancelled cancelled) => this with { Status = ReservationStatus.Cancelled };

    public Reservation Apply(PaymentConfirmed paid) =>
        this with { Status = ReservationStatus.Confirmed, PaymentId = paid.PaymentId, PaidAt = paid.PaidAt };

    /// <summary>A hold past its expiry reads EXPIRED at once, whether or not the expiry has been recorded yet.</summary>
    public ReservationStatus StatusAt(DateTimeOffset now) =>
        Status == ReservationStatus.OnHold && HoldExpiresAt <= now ? ReservationStatus.Expired : Status;
}
