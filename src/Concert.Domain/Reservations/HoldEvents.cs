namespace Concert.Domain.Reservations;

/// <summary>A fan holds a seat until HoldExpiresAt. Seat stream.</summary>
public sealed record SeatHeld(long ScheduleId, int SeatNumber, long ReservationId, Guid UserId, DateTimeOffset HoldExpiresAt);

/// <summary>An unpaid hold lapsed and the seat went back on sale. Seat stream.</summary>
public sealed record HoldExpired(long ScheduleId, int SeatNumber, long ReservationId);
