using Alba;
using Concert.Api.Reservations;
using Concert.Specs.Support;
using Marten;
using Marten.Events;
using Npgsql;

namespace Concert.Specs.Reporting;

[Collection(HoldsAppCollection.Name)]
public sealed class RebuildingProjections(HoldsApp app)
{
    private static readonly string[] Views =
        ["seat", "reservation", "fanwallet", "queueticket", "queuecontrol", "concertlisting", "schedulesales", "dailysales"];

    [Fact]
    public async Task every_projection_rebuilt_from_the_events_equals_the_live_one()
    {
        var host = app.Host;
        var concert = await host.OpenConcertWithNights("2027-09-01T19:00:00", "2027-09-02T19:00:00");
        var fans = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => host.NewAdmittedFan()));
        await host.Grant(fans[0].UserId, 50_000);
        await Task.WhenAll(fans.Select(fan => host.Charge(fan, 150_000)));
        var holds = await Task.WhenAll(fans.Select(async (fan, i) =>
            await (await host.Hold(fan, concert, i * 6 + 1, expectedStatus: 201)).Read<ReservationView>()));
        await Task.WhenAll(holds.Take(4).Select((held, i) => host.Pay(fans[i], held.ReservationId, held.Price)));
        await host.Refund(await host.Readmitted(fans[0]), holds[0].ReservationId); // one paid ticket refunded
        await host.Release(fans[4], holds[4].ReservationId); // one hold let go
        app.LetHoldsLapse();
        foreach (var lapsed in holds.Skip(5)) await host.RecordExpiry(lapsed.ReservationId); // the other three lapse
        var cancelled = concert.Schedules[1].ScheduleId; // the second night, a ticket sold and a seat on hold, cancelled
        var (buyer, holder) = (await host.NewAdmittedFan(), await host.NewAdmittedFan());
        await host.Grant(buyer.UserId, 200_000);
        var bought = await (await host.Hold(buyer, concert, 2, scheduleId: cancelled, expectedStatus: 201)).Read<ReservationView>();
        await host.Pay(buyer, bought.ReservationId, bought.Price);
        await host.Hold(holder, concert, 3, scheduleId: cancelled, expectedStatus: 201);
        await host.CancelScheduleAndSettle(cancelled);
        await host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
        var live = await ReadViewsAsync();
        await ForgetViewsAsync(); // so that only the rebuild can bring them back

        var store = host.DocumentStore();
        using var daemon = await store.BuildProjectionDaemonAsync();
        foreach (var projection in store.Options.Events.Projections())
        {
            await daemon.RebuildProjectionAsync(projection.Name, TimeSpan.FromMinutes(1), CancellationToken.None);
        }

        var rebuilt = await ReadViewsAsync();
        rebuilt["schedulesales"].ShouldContain(row => row.Contains("\"SeatsSold\": 3") && row.Contains("\"Refunds\": 1")
                                                       && row.Contains("\"ReleasedHolds\": 1"));
        rebuilt["schedulesales"].ShouldContain(row => row.Contains("\"Cancelled\": true") && row.Contains("\"Refunds\": 1")
                                                       && row.Contains("\"ReleasedHolds\": 1") && row.Contains("\"SeatsSold\": 0"));
        foreach (var view in Views) rebuilt[view].ShouldBe(live[view], $"the {view} documents");
    }

    private async Task ForgetViewsAsync()
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var forget = new NpgsqlCommand(string.Join(";", Views.Select(view => $"delete from concert.mt_doc_{view}")), connection);
        await forget.ExecuteNonQueryAsync();
    }

    private async Task<Dictionary<string, List<string>>> ReadViewsAsync()
    {
        var views = new Dictionary<string, List<string>>();
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        foreach (var view in Views)
        {
            await using var read = new NpgsqlCommand($"select id::text || ' ' || data::text from concert.mt_doc_{view} order by id", connection);
            await using var reader = await read.ExecuteReaderAsync();
            var rows = new List<string>();
            while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
            views[view] = rows;
        }

        return views;
    }
}
