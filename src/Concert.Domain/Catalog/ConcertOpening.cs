namespace Concert.Domain.Catalog;

/// <param name="PriceOverrides">Seat number to price, for the seats that leave their default tier.</param>
public sealed record NewSchedule(long ScheduleId, DateTime StartAt, IReadOnlyDictionary<int, long> PriceOverrides);

/// <summary>A concert an operator asked for, already numbered.</summary>
public sealed record NewConcert(long ConcertId, string Title, IReadOnlyList<NewSchedule> Schedules);

/// <summary>The streams a new concert starts: the concert's own, and one per seat of each schedule.</summary>
public sealed record ConcertOpening(long ConcertId, IReadOnlyList<object> ConcertEvents, IReadOnlyList<SeatOpened> Seats)
{
    public static ConcertOpening Open(NewConcert concert)
    {
        var concertId = concert.ConcertId;
        var concertEvents = new List<object> { new ConcertCreated(concertId, concert.Title) };
        var seats = new List<SeatOpened>();
        foreach (var schedule in concert.Schedules)
        {
            concertEvents.Add(new ScheduleOpened(concertId, schedule.ScheduleId, schedule.StartAt, Venue.SeatCount));
            seats.AddRange(Venue.SeatNumbers.Select(number => new SeatOpened(
                concertId,
                schedule.ScheduleId,
                number,
                schedule.PriceOverrides.TryGetValue(number, out var price) ? price : Venue.DefaultPrice(number))));
        }

        return new ConcertOpening(concertId, concertEvents, seats);
    }
}
