using Concert.Api.Infrastructure;
using Concert.Domain.Catalog;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace Concert.Api.Catalog;

/// <param name="AvailableCount">Free seats on sale: none once the schedule is cancelled.</param>
/// <param name="Cancelled">An operator cancelled it: it is not bookable, and its tickets are refunded.</param>
public sealed record ScheduleItem(long ScheduleId, DateOnly Date, DateTime StartAt, int AvailableCount, int TotalCount,
    bool Cancelled);

public sealed record SchedulePage(IReadOnlyList<ScheduleItem> Items, int Page, int Size, int Total);

public static class GetSchedulesEndpoint
{
    [WolverineGet("/concerts/{concertId}/schedules")]
    [Tags("Catalog")]
    [EndpointSummary("The concert's schedules by start time, with their free seats; by default only those still bookable (not sold out, not cancelled).")]
    [ProblemResponse(400, ProblemCodes.InvalidRequest, "page must be 0 or more and size 1 to 100.")]
    [ProblemResponse(404, ProblemCodes.ConcertNotFound, "No such concert, or no schedule to list.")]
    public static async Task<Results<Ok<SchedulePage>, ProblemHttpResult>> Get(long concertId, bool? onlyBookable,
        int? page, int? size, IQuerySession session, TimeProvider clock, CancellationToken cancellation)
    {
        if (!Paging.TryRead(page, size, out var paging, out var invalid)) return TypedResults.Problem(invalid);

        var concert = await session.LoadAsync<ConcertListing>(ConcertListing.StreamKey(concertId), cancellation);
        if (concert is null) return NotFound();

        var now = clock.GetUtcNow();
        var takenSeatsBySchedule = (await session.Query<Seat>()
                .Where(seat => seat.ConcertId == concertId
                               && (seat.Status == SeatStatus.Reserved
                                   || (seat.Status == SeatStatus.TempReserved && seat.HoldExpiresAt > now)))
                .Select(seat => seat.ScheduleId)
                .ToListAsync(cancellation))
            .CountBy(scheduleId => scheduleId)
            .ToDictionary();

        var listed = concert.Schedules
            .Select(schedule => new ScheduleItem(schedule.ScheduleId, DateOnly.FromDateTime(schedule.StartAt),
                schedule.StartAt,
                schedule.CancelledAt is null ? schedule.SeatCount - takenSeatsBySchedule.GetValueOrDefault(schedule.ScheduleId) : 0,
                schedule.SeatCount, schedule.CancelledAt is not null))
            .Where(item => onlyBookable == false || item.AvailableCount >= 1)
            .OrderBy(item => item.StartAt)
            .ThenBy(item => item.ScheduleId)
            .ToList();
        if (listed.Count == 0) return NotFound();

        return TypedResults.Ok(new SchedulePage(paging.Of(listed), paging.Page, paging.Size, listed.Count));

        ProblemHttpResult NotFound() =>
            Problems.NotFound(ProblemCodes.ConcertNotFound, $"Concert {concertId} does not exist or has no schedule to list.");
    }
}
