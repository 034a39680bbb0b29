using Concert.Api.Infrastructure;
using Concert.Domain.Catalog;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace Concert.Api.Catalog;

public sealed record SeatItem(int Number, SeatStatus Status, long Price);

public sealed record SeatMap(long ConcertId, long ScheduleId, IReadOnlyList<SeatItem> Seats);

public static class GetSeatMapEndpoint
{
    [WolverineGet("/concerts/{concertId}/schedules/{scheduleId}/seats")]
    [Tags("Catalog")]
    [EndpointSummary("Seats 1..50 of a schedule with their status and price; a lapsed hold reads AVAILABLE.")]
    [ProblemResponse(404, ProblemCodes.ScheduleNotFound, "No such schedule for this concert.")]
    public static async Task<Results<Ok<SeatMap>, ProblemHttpResult>> Get(long concertId, long scheduleId,
        IDocumentStore store, TimeProvider clock, CancellationToken cancellation)
    {
        // A plain query session, not the endpoint-injected one: the hottest read needs no unit of work or outbox.
        await using var session = store.QuerySession();
        var seats = (await session.QueryAsync(new SeatsOfSchedule { ScheduleId = scheduleId }, cancellation)).ToList();
        if (seats.Count == 0 || seats[0].ConcertId != concertId)
        {
            return Problems.NotFound(ProblemCodes.ScheduleNotFound,
                $"Schedule {scheduleId} of concert {concertId} does not exist.");
        }

        var now = clock.GetUtcNow();
        return TypedResults.Ok(new SeatMap(concertId, scheduleId,
            seats.Select(seat => new SeatItem(seat.Number, seat.StatusAt(now), seat.Price)).ToList()));
    }
}
