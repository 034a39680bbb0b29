using Alba;
using Concert.Specs.Support;

namespace Concert.Specs.Catalog;

[Collection(ConcertAppCollection.Name)]
public sealed class OpeningConcerts(ConcertApp app)
{
    private IAlbaHost Host => app.Host;

    [Fact]
    public async Task an_operator_opens_a_concert_and_gets_201_with_numbered_schedules()
    {
        var result = await Host.Scenario(s =>
        {
            s.Post.Json(new
            {
                title = "IU Golden Hour",
                schedules = new[] { new { startAt = "2026-09-01T19:00:00" }, new { startAt = "2026-09-02T19:00:00" } },
            }).ToUrl("/admin/concerts");
            s.WithRequestHeader("X-Admin-Key", ConcertApp.AdminKey);
            s.StatusCodeShouldBe(201);
        });

        var body = await result.ReadObject();
        var concertId = body["concertId"]!.GetValue<long>();
        concertId.ShouldBeGreaterThanOrEqualTo(1);
        body["title"]!.GetValue<string>().ShouldBe("IU Golden Hour");
        var schedules = body["schedules"]!.AsArray();
        schedules.Count.ShouldBe(2);
        schedules.Select(s => s!["startAt"]!.GetValue<string>()).ShouldBe(["2026-09-01T19:00:00", "2026-09-02T19:00:00"]);
        schedules.Select(s => s!["scheduleId"]!.GetValue<long>()).Distinct().Count().ShouldBe(2);
        result.Context.Response.Headers.Location.ToString().ShouldBe($"/concerts/{concertId}/schedules");
    }

    [Fact]
    public async Task every_new_schedule_lists_50_free_seats()
    {
        var concert = await Host.OpenConcertWithNights("2026-10-01T19:00:00");

        var page = await app.Schedules(concert.ConcertId);

        var schedule = page.Items.ShouldHaveSingleItem();
        schedule.ScheduleId.ShouldBe(concert.Schedules[0].ScheduleId);
        schedule.AvailableCount.ShouldBe(50);
        schedule.TotalCount.ShouldBe(50);
        schedule.Date.ShouldBe(new DateOnly(2026, 10, 1));
        schedule.StartAt.ShouldBe(new DateTime(2026, 10, 1, 19, 0, 0));
    }

    [Fact]
    public async Task seats_without_an_override_take_the_default_price_tiers()
    {
        var concert = await Host.OpenConcertWithNights("2026-10-02T19:00:00");

        var map = await app.SeatMap(concert.ConcertId, concert.Schedules[0].ScheduleId);

        map.Seats.Where(s => s.Number <= 10).ShouldAllBe(s => s.Price == 110_000);
        map.Seats.Where(s => s.Number is >= 11 and <= 30).ShouldAllBe(s => s.Price == 80_000);
        map.Seats.Where(s => s.Number >= 31).ShouldAllBe(s => s.Price == 60_000);
    }

    [Fact]
    public async Task a_price_override_changes_only_its_own_seats()
    {
        var concert = await Host.OpenConcert(
            new { startAt = "2026-10-03T19:00:00", prices = new Dictionary<string, long> { ["1"] = 150_000, ["50"] = 40_000 } },
            new { startAt = "2026-10-04T19:00:00" });

        var overridden = await app.SeatMap(concert.ConcertId, concert.Schedules[0].ScheduleId);
        var untouched = await app.SeatMap(concert.ConcertId, concert.Schedules[1].ScheduleId);

        overridden.Seats[0].Price.ShouldBe(150_000);
        overridden.Seats[49].Price.ShouldBe(40_000);
        overridden.Seats[1].Price.ShouldBe(110_000);
        untouched.Seats[0].Price.ShouldBe(110_000);
        untouched.Seats[49].Price.ShouldBe(60_000);
    }

    [Fact]
    public async Task a_start_time_given_as_an_instant_is_kept_in_the_venue_time_zone()
    {
        var concert = await Host.OpenConcertWithNights("2026-10-05T10:00:00Z");

        concert.Schedules[0].StartAt.ShouldBe(new DateTime(2026, 10, 5, 19, 0, 0));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-the-key")]
    public async Task an_operator_request_without_the_right_key_gets_401(string? key)
    {
        var result = await Host.Scenario(s =>
        {
            s.Post.Json(new { title = "x", schedules = new[] { new { startAt = "2026-10-06T19:00:00" } } })
                .ToUrl("/admin/concerts");
            if (key is not null) s.WithRequestHeader("X-Admin-Key", key);
            s.StatusCodeShouldBe(401);
        });

        await result.ShouldBeProblem(401, "ADMIN_KEY_INVALID");
    }

    [Theory]
    [InlineData("""{"title":"","schedules":[{"startAt":"2026-10-07T19:00:00"}]}""", "title")]
    [InlineData("""{"schedules":[{"startAt":"2026-10-07T19:00:00"}]}""", "title")]
    [InlineData("""{"title":"x","schedules":[]}""", "schedules")]
    [InlineData("""{"title":"x"}""", "schedules")]
    [InlineData("""{"title":"x","schedules":[null]}""", "schedules[0]")]
    [InlineData("""{"title":"x","schedules":[{}]}""", "schedules[0].startAt")]
    [InlineData("""{"title":"x","schedules":[{"startAt":"next friday"}]}""", "schedules[0].startAt")]
    [InlineData("""{"title":"x","schedules":[{"startAt":"2026-13-45T19:00:00"}]}""", "schedules[0].startAt")]
    [InlineData("""{"title":"x","schedules":[{"startAt":"2026-10-07T19:00:00","prices":{"51":1000}}]}""", "schedules[0].prices.51")]
    [InlineData("""{"title":"x","schedules":[{"startAt":"2026-10-07T19:00:00","prices":{"0":1000}}]}""", "schedules[0].prices.0")]
    [InlineData("""{"title":"x","schedules":[{"startAt":"2026-10-07T19:00:00","prices":{"A1":1000}}]}""", "schedules[0].prices.A1")]
    [InlineData("""{"title":"x","schedules":[{"startAt":"2026-10-07T19:00:00","prices":{"7":0}}]}""", "schedules[0].prices.7")]
    public async Task an_invalid_concert_gets_400_naming_the_field(string body, string field)
    {
        var result = await PostConcert(body, expectedStatus: 400);

        var problem = await result.ShouldBeProblem(400, "INVALID_REQUEST");
        problem["errors"]!.AsObject().ContainsKey(field).ShouldBeTrue();
    }

    [Theory]
    [InlineData("""{"title":"x","schedules":[""")]
    [InlineData("null")]
    [InlineData("""{"title":5,"schedules":[{"startAt":"2026-10-07T19:00:00"}]}""")]
    [InlineData("""{"title":"x","schedules":"tonight"}""")]
    [InlineData("""{"title":"x","schedules":[{"startAt":"2026-10-07T19:00:00","prices":{"1":"1000"}}]}""")]
    [InlineData("""{"title":"x","schedules":[{"startAt":"2026-10-07T19:00:00","prices":{"1":1e30}}]}""")]
    [InlineData("""{"title":"x","schedules":[{"startAt":"2026-10-07T19:00:00","prices":{"1":1000.5}}]}""")]
    public async Task a_malformed_body_gets_400_not_500(string body)
    {
        var result = await PostConcert(body, expectedStatus: 400);

        await result.ShouldBeProblem(400, "MALFORMED_JSON");
    }

    [Fact]
    public async Task a_body_that_is_not_json_gets_415()
    {
        var result = await Host.Scenario(s =>
        {
            s.Post.Text("title=x").ToUrl("/admin/concerts");
            s.WithRequestHeader("X-Admin-Key", ConcertApp.AdminKey);
            s.StatusCodeShouldBe(415);
        });

        await result.ShouldBeProblem(415, "UNSUPPORTED_MEDIA_TYPE");
    }

    private Task<IScenarioResult> PostConcert(string body, int expectedStatus) =>
        Host.Scenario(s =>
        {
            s.Post.Text(body).ToUrl("/admin/concerts");
            s.WithRequestHeader("Content-Type", "application/json");
            s.WithRequestHeader("X-Admin-Key", ConcertApp.AdminKey);
            s.StatusCodeShouldBe(expectedStatus);
        });
}
