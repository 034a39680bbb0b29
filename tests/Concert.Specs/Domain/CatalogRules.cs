using Concert.Domain.Catalog;
using Concert.Domain.Reservations;

namespace Concert.Specs.Domain;

/// <summary>The catalog's business rules, without a database.</summary>
public sealed class CatalogRules
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1, 110_000)]
    [InlineData(10, 110_000)]
    [InlineData(11, 80_000)]
    [InlineData(30, 80_000)]
    [InlineData(31, 60_000)]
    [InlineData(50, 60_000)]
    public void seats_are_priced_by_tier(int seat, long price) => Venue.DefaultPrice(seat).ShouldBe(price);

    [Fact]
    public void opening_a_concert_opens_50_seats_per_schedule_with_overrides_applied()
    {
        var opening = ConcertOpening.Open(new NewConcert(7, "Night", [
            new NewSchedule(70, new DateTime(2026, 9, 1, 19, 0, 0), new Dictionary<int, long> { [5] = 1_000 }),
            new NewSchedule(71, new DateTime(2026, 9, 2, 19, 0, 0), new Dictionary<int, long>()),
        ]));

        opening.ConcertEvents.ShouldBe([
            new ConcertCreated(7, "Night"),
            new ScheduleOpened(7, 70, new DateTime(2026, 9, 1, 19, 0, 0), 50),
            new ScheduleOpened(7, 71, new DateTime(2026, 9, 2, 19, 0, 0), 50),
        ]);
        opening.Seats.Count.ShouldBe(100);
        opening.Seats.Single(s => s is { ScheduleId: 70, SeatNumber: 5 }).Price.ShouldBe(1_000);
        opening.Seats.Single(s => s is { ScheduleId: 71, SeatNumber: 5 }).Price.ShouldBe(110_000);
    }

    [Fact]
    public void a_held_seat_is_temp_reserved_until_its_hold_lapses()
    {
        var seat = Seat.Create(new SeatOpened(1, 2, 3, 60_000)).Apply(new SeatHeld(2, 3, 9, Guid.NewGuid(), Now.AddMinutes(5)));

        seat.StatusAt(Now).ShouldBe(SeatStatus.TempReserved);
        seat.StatusAt(Now.AddMinutes(5)).ShouldBe(SeatStatus.Available);
    }

    [Fact]
    public void an_expiry_frees_only_the_hold_it_names()
    {
        var held = Seat.Create(new SeatOpened(1, 2, 3, 60_000)).Apply(new SeatHeld(2, 3, 9, Guid.NewGuid(), Now.AddMinutes(5)));

        held.Apply(new HoldExpired(2, 3, ReservationId: 8)).ShouldBe(held);
        held.Apply(new HoldExpired(2, 3, ReservationId: 9)).Status.ShouldBe(SeatStatus.Available);
    }
}
