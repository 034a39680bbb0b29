using Concert.Api.Infrastructure;
using Concert.Specs.Support;
using Microsoft.Extensions.Logging;

namespace Concert.Specs.Platform;

public sealed class LoggingLostRaces(LoggedApp app) : IClassFixture<LoggedApp>
{
    [Fact]
    public async Task a_fan_who_loses_the_race_for_a_seat_is_answered_409_and_logged_as_debug_not_as_an_error()
    {
        var concert = await app.Host.OpenConcert(new { startAt = "2027-03-01T19:00:00" });
        var fans = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => app.Host.NewAdmittedFan()));

        // Most losers see the seat taken before they write; race seat after seat until one loses at the database.
        for (var seat = 1; seat <= 50 && !LostAtTheDatabase(); seat++)
        {
            var holds = await Task.WhenAll(fans.Select(fan => Task.Run(() => app.Host.Hold(fan, concert, seat))));
            holds.Select(hold => hold.Context.Response.StatusCode).Order().ShouldBe([201, .. Enumerable.Repeat(409, fans.Length - 1)]);
        }

        app.Entries.ShouldNotContain(entry => entry.Level >= LogLevel.Error);
        LostAtTheDatabase().ShouldBeTrue();
    }

    private bool LostAtTheDatabase() => app.Entries.Any(entry =>
        entry.Category == typeof(MartenCommandLog).FullName && entry.Level == LogLevel.Debug && entry.Message.Contains("mt_quick_append_events"));
}
