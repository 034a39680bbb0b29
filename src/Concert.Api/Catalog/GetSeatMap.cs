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
    [ProblemResponse(404, "SCHEDULE_NOT_FOUND", "No such schedule for this concert.")]
    public static async Task<Results<Ok<SeatMap>, ProblemHttpResult>> Get(long concertId, long scheduleId,
        IQuerySession session, TimeProvider clock, CancellationToken cancellation)
    {
        var seats = await session.Query<Seat>()
            .Where(seat => seat.ScheduleId == scheduleId)
            .OrderBy(seat => seat.Number)
            .ToListAsync(cancellation);
        if (seats.Count == 0 || seats[0].ConcertId != concertId)
        {
            return TypedResults.Problem(Problems.Create(StatusCodes.Status404NotFound, "SCHEDULE_NOT_FOUND",
                $"Schedule {scheduleId} of concert {concertId} does not exist."));
        }

        var now = clock.GetUtcNow();
        return TypedResults.Ok(new SeatMap(concertId, scheduleId,
            seats.Select(seat => new SeatItem(seat.Number, seat.StatusAt(now), seat.Price)).ToList()));
    }
}
