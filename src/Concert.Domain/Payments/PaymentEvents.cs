namespace Concert.Domain.Payments;

/// <summary>A fan paid for their held seat: the reservation is CONFIRMED. Reservation stream.</summary>
public sealed record PaymentConfirmed(long PaymentId, long ReservationId, Guid UserId, long Amount, DateTimeOffset PaidAt);

/// <summary>The seat's hold was paid: the seat is RESERVED for good. Seat stream.</summary>
/// <param name="Amount">What the fan paid for it (KRW).</param>
public sealed record SeatSold(long ScheduleId, int SeatNumber, long ReservationId, long PaymentId, long Amount);

/// <summary>Why a ticket was refunded.</summary>
public enum RefundReason
{
    /// <summary>The fan asked, before refunds closed.</summary>
    FanAsked,

    /// <summary>Its schedule was cancelled.</summary>
    ScheduleCancelled,
}

/// <summary>A paid ticket was refunded: the reservation reads REFUNDED. Reservation stream.</summary>
/// <param name="Reason">Refunds recorded before there were reasons were the fans' own (the default).</param>
public sealed record ReservationRefunded(long ReservationId, long PaymentId, Guid UserId, long Amount, DateTimeOffset RefundedAt,
    RefundReason Reason = RefundReason.FanAsked);

/// <summary>A sold seat was refunded and went back on sale. Seat stream.</summary>
/// <param name="Amount">What the fan paid for it, and got back (KRW).</param>
public sealed record SaleRefunded(long ScheduleId, int SeatNumber, long ReservationId, long PaymentId, long Amount);
