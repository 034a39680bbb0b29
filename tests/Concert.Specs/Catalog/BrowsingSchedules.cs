using Alba;
using Concert.Specs.Support;

namespace Concert.Specs.Catalog;

[Collection(ConcertAppCollection.Name)]
public sealed class BrowsingSchedules(ConcertApp app)
{
    private IAlbaHost Host => app.Host;

    [Fact]
    public async Task schedules_come_ordered_by_start_time_whatever_order_they_were_opened_in()
    {
        var concert = await Host.OpenConcertWithNights("2026-11-03T19:00:00", "2026-11-01T19:00:00", "2026-11-02T14:00:00");

        var page = await app.Schedules(concert.ConcertId);

        page.Items.Select(s => s.StartAt.Day).ShouldBe([1, 2, 3]);
        page.Total.ShouldBe(3);
    }

    [Fact]
    public async Task pages_split_the_list_and_report_the_total()
    {
        var concert = await Host.OpenConcertWithNights("2026-11-04T19:00:00", "2026-11-05T19:00:00", "2026-11-06T19:00:00");

        var first = await app.Schedules(concert.ConcertId, "?page=0&size=2");
        var second = await app.Schedules(concert.ConcertId, "?page=1&size=2");
        var beyond = await app.Schedules(concert.ConcertId, "?page=5&size=2");

        first.Items.Select(s => s.StartAt.Day).ShouldBe([4, 5]);
        (first.Page, first.Size, first.Total).ShouldBe((0, 2, 3));
        second.Items.Select(s => s.StartAt.Day).ShouldBe([6]);
        (second.Page, second.Size, second.Total).ShouldBe((1, 2, 3));
        beyond.Items.ShouldBeEmpty();
        beyond.Total.ShouldBe(3);
    }

    [Theory]
    [InlineData("?page=2147483647&size=100")]
    [InlineData("?page=21474837&size=100")]
    [InlineData("?page=1073741824&size=2")]
    public async Task a_page_far_past_the_end_is_empty_not_the_first(string query)
    {
        var concert = await Host.OpenConcertWithNights("2026-11-07T19:00:00");

        var far = await app.Schedules(concert.ConcertId, query);

        far.Items.ShouldBeEmpty();
        far.Total.ShouldBe(1);
    }

    [Fact]
    public async Task the_page_size_defaults_to_20()
    {
        var concert = await Host.OpenConcertWithNights(
            Enumerable.Range(1, 21).Select(day => $"2026-12-{day:00}T19:00:00").ToArray());

        var page = await app.Schedules(concert.ConcertId);

        (page.Page, page.Size, page.Total, page.Items.Count).ShouldBe((0, 20, 21, 20));
    }

    [Fact]
    public async Task a_sold_out_schedule_is_left_out_unless_asked_for()
    {
        var concert = await Host.OpenConcertWithNights("2026-11-07T19:00:00", "2026-11-08T19:00:00");
        var soldOut = concert.Schedules[0].ScheduleId;
        await HoldEverySeat(soldOut, DateTimeOffset.UtcNow.AddMinutes(5));

        var bookable = await app.Schedules(concert.ConcertId);
        var explicitlyBookable = await app.Schedules(concert.ConcertId, "?onlyBookable=true");
        var everything = await app.Schedules(concert.ConcertId, "?onlyBookable=false");

        bookable.Items.Select(s => s.ScheduleId).ShouldBe([concert.Schedules[1].ScheduleId]);
        explicitlyBookable.Items.Select(s => s.ScheduleId).ShouldBe([concert.Schedules[1].ScheduleId]);
        everything.Items.Select(s => (s.ScheduleId, s.AvailableCount))
            .ShouldBe([(soldOut, 0), (concert.Schedules[1].ScheduleId, 50)]);
    }

    [Fact]
    public async Task a_concert_with_nothing_bookable_gets_404()
    {
        var concert = await Host.OpenConcertWithNights("2026-11-09T19:00:00");
        await HoldEverySeat(concert.Schedules[0].ScheduleId, DateTimeOffset.UtcNow.AddMinutes(5));

        await app.GetProblem($"/concerts/{concert.ConcertId}/schedules", 404, "CONCERT_NOT_FOUND");
    }

    [Fact]
    public async Task a_hold_counts_against_available_seats_until_it_lapses()
    {
        var concert = await Host.OpenConcertWithNights("2026-11-10T19:00:00");
        var scheduleId = concert.Schedules[0].ScheduleId;
        await Host.HoldSeat(scheduleId, 1, until: DateTimeOffset.UtcNow.AddMinutes(5));
        await Host.HoldSeat(scheduleId, 2, until: DateTimeOffset.UtcNow.AddSeconds(-1));

        var schedule = (await app.Schedules(concert.ConcertId)).Items.ShouldHaveSingleItem();

        schedule.AvailableCount.ShouldBe(49);
    }

    [Fact]
    public async Task holds_written_at_once_on_every_seat_are_all_counted()
    {
        var concert = await Host.OpenConcertWithNights("2026-11-11T19:00:00", "2026-11-12T19:00:00");
        var scheduleId = concert.Schedules[0].ScheduleId;

        await HoldEverySeat(scheduleId, DateTimeOffset.UtcNow.AddMinutes(5));

        var everything = await app.Schedules(concert.ConcertId, "?onlyBookable=false");
        everything.Items.Single(s => s.ScheduleId == scheduleId).AvailableCount.ShouldBe(0);
        var map = await app.SeatMap(concert.ConcertId, scheduleId);
        map.Seats.ShouldAllBe(seat => seat.Status == Concert.Domain.Catalog.SeatStatus.TempReserved);
    }

    [Theory]
    [InlineData("999999")]
    [InlineData("0")]
    [InlineData("-3")]
    public async Task an_unknown_concert_gets_404(string concertId)
    {
        await app.GetProblem($"/concerts/{concertId}/schedules", 404, "CONCERT_NOT_FOUND");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("99999999999999999999999")]
    public async Task a_concert_id_that_is_not_an_integer_gets_404(string concertId)
    {
        await app.GetProblem($"/concerts/{concertId}/schedules", 404, "NOT_FOUND");
    }

    [Theory]
    [InlineData("?page=-1")]
    [InlineData("?size=0")]
    [InlineData("?size=101")]
    [InlineData("?page=first")]
    [InlineData("?size=ten")]
    [InlineData("?onlyBookable=maybe")]
    public async Task bad_paging_gets_400(string query)
    {
        var concert = await Host.OpenConcertWithNights("2026-11-13T19:00:00");

        await app.GetProblem($"/concerts/{concert.ConcertId}/schedules{query}", 400, "INVALID_REQUEST");
    }

    private Task HoldEverySeat(long scheduleId, DateTimeOffset until) =>
        Task.WhenAll(Enumerable.Range(1, 50).Select(seat => Task.Run(() => Host.HoldSeat(scheduleId, seat, until))));
}
