namespace Concert.Domain.Catalog;

/// <summary>A cancellation: the concert's event and each seat's withdrawal, committed together.</summary>
public sealed record ScheduleCancellation(ScheduleCancelled Cancelled, IReadOnlyList<SeatWithdrawn> Withdrawn);

public enum CancellationRefusal
{
    ScheduleNotFound,

    /// <summary>Cancelled already: nothing changes, and the cancellation's progress is the answer.</summary>
    AlreadyCancelled,
}

/// <summary>An operator cancelling a schedule, free of I/O.</summary>
public static class ScheduleCancelling
{
    /// <summary>
    /// Every seat of the schedule leaves sale at once, so no hold or payment decided after this commits can take one;
    /// what the seats still have (holds, sales) is settled seat by seat afterwards.
    /// </summary>
    /// <param name="seats">The schedule's seats: each is withdrawn.</param>
    public static Decision<ScheduleCancellation, CancellationRefusal> Cancel(ConcertListing? concert, long scheduleId,
        IEnumerable<Seat> seats, DateTimeOffset now)
    {
        if (concert?.Schedule(scheduleId) is not { } schedule) return CancellationRefusal.ScheduleNotFound;
        if (schedule.CancelledAt is not null) return CancellationRefusal.AlreadyCancelled;
        return new ScheduleCancellation(
            new ScheduleCancelled(concert.ConcertId, scheduleId, now),
            seats.Select(seat => new SeatWithdrawn(scheduleId, seat.Number, now)).ToList());
    }
}
