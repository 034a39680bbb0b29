namespace Concert.Domain.Payments;

/// <summary>A fan paid for their held seat: the reservation is CONFIRMED. Reservation stream.</summary>
public sealed record PaymentConfirmed(long PaymentId, long ReservationId, Guid UserId, long Amount, DateTimeOffset PaidAt);

/// <summary>The seat's hold was paid: the seat is RESERVED for good. Seat stream.</summary>
/// <param name="Amount">What the fan paid for it (KRW).</param>
public sealed record SeatSold(long ScheduleId, int SeatNumber, long ReservationId, long PaymentId, long Amount);
