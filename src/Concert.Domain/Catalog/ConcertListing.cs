namespace Concert.Domain.Catalog;

/// <summary>A concert as the catalog lists it: its title and the schedules it has opened.</summary>
public sealed record ConcertListing(string Id, long ConcertId, string Title, IReadOnlyList<ScheduleListing> Schedules)
{
    public static string StreamKey(long concertId) => $"concert-{concertId}";

    public static ConcertListing Create(ConcertCreated created) =>
        new(StreamKey(created.ConcertId), created.ConcertId, created.Title, []);

    public ConcertListing Apply(ScheduleOpened opened) =>
        this with { Schedules = [.. Schedules, new ScheduleListing(opened.ScheduleId, opened.StartAt, opened.SeatCount)] };

    public ConcertListing Apply(ScheduleCancelled cancelled) =>
        this with
        {
            Schedules = [.. Schedules.Select(schedule => schedule.ScheduleId == cancelled.ScheduleId
                ? schedule with { CancelledAt = cancelled.CancelledAt }
                : schedule)],
        };

    public ScheduleListing? Schedule(long scheduleId) => Schedules.FirstOrDefault(schedule => schedule.ScheduleId == scheduleId);
}

/// <param name="CancelledAt">When an operator cancelled it; null while it stands.</param>
public sealed record ScheduleListing(long ScheduleId, DateTime StartAt, int SeatCount, DateTimeOffset? CancelledAt = null);
