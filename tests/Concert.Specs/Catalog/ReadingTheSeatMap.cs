using Alba;
using Concert.Api.Queue;
using Concert.Domain.Catalog;
using Concert.Specs.Support;

namespace Concert.Specs.Catalog;

[Collection(ConcertAppCollection.Name)]
public sealed class ReadingTheSeatMap(ConcertApp app)
{
    private IAlbaHost Host => app.Host;

    [Fact]
    public async Task a_new_schedule_shows_seats_1_to_50_all_available()
    {
        var concert = await Host.OpenConcertWithNights("2026-11-20T19:00:00");
        var scheduleId = concert.Schedules[0].ScheduleId;

        var map = await app.SeatMap(concert.ConcertId, scheduleId);

        (map.ConcertId, map.ScheduleId).ShouldBe((concert.ConcertId, scheduleId));
        map.Seats.Select(s => s.Number).ShouldBe(Enumerable.Range(1, 50));
        map.Seats.ShouldAllBe(s => s.Status == SeatStatus.Available);
    }

    [Fact]
    public async Task statuses_travel_as_upper_snake_strings()
    {
        var concert = await Host.OpenConcertWithNights("2026-11-21T19:00:00");
        var scheduleId = concert.Schedules[0].ScheduleId;
        await Host.HoldSeat(scheduleId, 7, until: DateTimeOffset.UtcNow.AddMinutes(5));

        var result = await Host.Scenario(s =>
        {
            s.Get.Url($"/concerts/{concert.ConcertId}/schedules/{scheduleId}/seats");
            s.WithRequestHeader(QueueGate.TokenHeader, app.FanToken);
        });

        var seats = (await result.ReadObject())["seats"]!.AsArray();
        seats[6]!["status"]!.GetValue<string>().ShouldBe("TEMP_RESERVED");
        seats[7]!["status"]!.GetValue<string>().ShouldBe("AVAILABLE");
    }

    [Fact]
    public async Task a_lapsed_hold_reads_available_before_any_expiry_is_recorded()
    {
        var concert = await Host.OpenConcertWithNights("2026-11-22T19:00:00");
        var scheduleId = concert.Schedules[0].ScheduleId;
        await Host.HoldSeat(scheduleId, 3, until: DateTimeOffset.UtcNow.AddSeconds(-1));

        var map = await app.SeatMap(concert.ConcertId, scheduleId);

        map.Seats[2].Status.ShouldBe(SeatStatus.Available);
    }

    [Fact]
    public async Task a_schedule_of_another_concert_gets_404()
    {
        var first = await Host.OpenConcertWithNights("2026-11-23T19:00:00");
        var second = await Host.OpenConcertWithNights("2026-11-24T19:00:00");

        await app.GetProblem($"/concerts/{first.ConcertId}/schedules/{second.Schedules[0].ScheduleId}/seats", 404, "SCHEDULE_NOT_FOUND");
    }

    [Theory]
    [InlineData("1", "999999")]
    [InlineData("999999", "1")]
    [InlineData("1", "0")]
    public async Task an_unknown_schedule_gets_404(string concertId, string scheduleId)
    {
        await app.GetProblem($"/concerts/{concertId}/schedules/{scheduleId}/seats", 404, "SCHEDULE_NOT_FOUND");
    }

    [Theory]
    [InlineData("1", "seven")]
    [InlineData("one", "1")]
    public async Task ids_that_are_not_integers_get_404(string concertId, string scheduleId)
    {
        await app.GetProblem($"/concerts/{concertId}/schedules/{scheduleId}/seats", 404, "NOT_FOUND");
    }
}
