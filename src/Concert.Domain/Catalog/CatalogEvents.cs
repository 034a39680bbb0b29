namespace Concert.Domain.Catalog;

/// <summary>An operator put a concert on sale. Starts the concert stream.</summary>
public sealed record ConcertCreated(long ConcertId, string Title);

/// <summary>A schedule (one performance) of a concert opened with its seats. Concert stream.</summary>
/// <param name="StartAt">The venue's local wall-clock time (Catalog:TimeZone).</param>
public sealed record ScheduleOpened(long ConcertId, long ScheduleId, DateTime StartAt, int SeatCount);

/// <summary>A seat of a schedule went on sale at its price. Starts the seat's own stream.</summary>
public sealed record SeatOpened(long ConcertId, long ScheduleId, int SeatNumber, long Price);

/// <summary>
/// An operator cancelled a schedule: no new holds or payments; its holds are released and its tickets refunded, one
/// seat at a time. Concert stream.
/// </summary>
public sealed record ScheduleCancelled(long ConcertId, long ScheduleId, DateTimeOffset CancelledAt);

/// <summary>A seat of a cancelled schedule left sale: it takes no new hold, and its hold or sale is settled. Seat stream.</summary>
public sealed record SeatWithdrawn(long ScheduleId, int SeatNumber, DateTimeOffset WithdrawnAt);
