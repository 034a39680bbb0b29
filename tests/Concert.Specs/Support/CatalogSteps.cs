using Alba;
using Concert.Api.Catalog;
using Concert.Api.Queue;
using Concert.Domain.Catalog;
using Concert.Domain.Reservations;
using Marten;

namespace Concert.Specs.Support;

/// <summary>The catalog steps a scenario takes: an operator opening concerts, fans reading them.</summary>
public static class CatalogSteps
{
    public static async Task<ConcertCreatedResponse> OpenConcert(this IAlbaHost host, params object[] schedules)
    {
        var result = await host.Scenario(s =>
        {
            s.Post.Json(new { title = "Spec Concert", schedules }).ToUrl("/admin/concerts");
            s.WithRequestHeader("X-Admin-Key", ConcertApp.AdminKey);
            s.StatusCodeShouldBe(201);
        });
        return await result.Read<ConcertCreatedResponse>();
    }

    public static Task<ConcertCreatedResponse> OpenConcertWithNights(this IAlbaHost host, params string[] startTimes) =>
        host.OpenConcert(startTimes.Select(startAt => (object)new { startAt }).ToArray());

    public static async Task<SchedulePage> Schedules(this ConcertApp app, long concertId, string query = "")
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Get.Url($"/concerts/{concertId}/schedules{query}");
            s.WithRequestHeader(QueueGate.TokenHeader, app.FanToken);
            s.StatusCodeShouldBe(200);
        });
        return await result.Read<SchedulePage>();
    }

    public static async Task<SeatMap> SeatMap(this ConcertApp app, long concertId, long scheduleId)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Get.Url($"/concerts/{concertId}/schedules/{scheduleId}/seats");
            s.WithRequestHeader(QueueGate.TokenHeader, app.FanToken);
            s.StatusCodeShouldBe(200);
        });
        return await result.Read<SeatMap>();
    }

    /// <summary>Appends a hold straight to the seat's stream, as the reservation slice will.</summary>
    public static async Task HoldSeat(this IAlbaHost host, long scheduleId, int seatNumber, DateTimeOffset until)
    {
        await using var session = host.DocumentStore().LightweightSession();
        session.Events.Append(Seat.StreamKey(scheduleId, seatNumber),
            new SeatHeld(scheduleId, seatNumber, ReservationId: seatNumber, Guid.NewGuid(), until));
        await session.SaveChangesAsync();
    }
}
