namespace Concert.Domain.Catalog;

/// <summary>A concert as the catalog lists it: its title and the schedules it has opened.</summary>
public sealed record ConcertListing(string Id, long ConcertId, string Title, IReadOnlyList<ScheduleListing> Schedules)
{
    public static string StreamKey(long concertId) => $"concert-{concertId}";

    public static ConcertListing Create(ConcertCreated created) =>
        new(StreamKey(created.ConcertId), created.ConcertId, created.Title, []);

    public ConcertListing Apply(ScheduleOpened opened) =>
        this with { Schedules = [.. Schedules, new ScheduleListing(opened.ScheduleId, opened.StartAt, opened.SeatCount)] };
}

public sealed record ScheduleListing(long ScheduleId, DateTime StartAt, int SeatCount);
