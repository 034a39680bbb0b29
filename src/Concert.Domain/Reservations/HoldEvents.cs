namespace Concert.Domain.Reservations;

/// <summary>A fan holds a seat until HoldExpiresAt. Seat stream.</summary>
public sealed record SeatHeld(long ScheduleId, int SeatNumber, long ReservationId, Guid UserId, DateTimeOffset HoldExpiresAt);

/// <summary>An unpaid hold lapsed and the seat went back on sale. Seat stream.</summary>
public sealed record HoldExpired(long ScheduleId, int SeatNumber, long ReservationId);

/// <summary>A fan's reservation of a held seat. Starts the reservation stream (reservation-{id}).</summary>
public sealed record ReservationPlaced(
    long ReservationId,
    Guid UserId,
    long ConcertId,
    long ScheduleId,
    int SeatNumber,
    long Price,
    DateTimeOffset HeldAt,
    DateTimeOffset HoldExpiresAt);

/// <summary>The fan let the hold go before it lapsed; the seat went back on sale at once. Seat stream.</summary>
public sealed record HoldReleased(long ScheduleId, int SeatNumber, long ReservationId);

/// <summary>The fan let their hold go. Reservation stream.</summary>
public sealed record ReservationReleased(long ReservationId, DateTimeOffset ReleasedAt);

/// <summary>The reservation's hold lapsed unpaid. Reservation stream.</summary>
public sealed record ReservationExpired(long ReservationId, DateTimeOffset ExpiredAt);

/// <summary>The reservation was on hold when its schedule was cancelled: the hold is over. Reservation stream.</summary>
public sealed record ReservationCancelled(long ReservationId, DateTimeOffset CancelledAt);
