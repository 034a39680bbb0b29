using Concert.Api.Catalog;
using Concert.Api.Infrastructure;
using Concert.Domain.Catalog;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace Concert.Api.Cancellations;

/// <summary>A schedule as its operator sees it: its seats by status and, once cancelled, how far the cancellation got.</summary>
/// <param name="AvailableCount">Free seats on sale: none once cancelled.</param>
/// <param name="HeldCount">Seats on a hold that has not lapsed.</param>
/// <param name="SoldCount">Seats paid and not refunded.</param>
public sealed record ScheduleOverview(long ScheduleId, long ConcertId, DateTime StartAt, bool Cancelled,
    DateTimeOffset? CancelledAt, int TotalCount, int AvailableCount, int HeldCount, int SoldCount,
    CancellationProgress? Cancellation)
{
    public static ScheduleOverview Of(long concertId, ScheduleListing schedule, IReadOnlyList<Seat> seats, DateTimeOffset now)
    {
        var shown = seats.Select(seat => seat.StatusAt(now)).ToList();
        return new ScheduleOverview(schedule.ScheduleId, concertId, schedule.StartAt, schedule.CancelledAt is not null,
            schedule.CancelledAt, seats.Count, shown.Count(status => status == SeatStatus.Available),
            shown.Count(status => status == SeatStatus.TempReserved), shown.Count(status => status == SeatStatus.Reserved),
            schedule.CancelledAt is null ? null : CancellationProgress.Of(seats));
    }
}

/// <summary>What a cancellation still has to settle, seat by seat; complete when nothing is left.</summary>
/// <param name="HoldsToRelease">Seats still on hold, lapsed or not: each is released (its reservation reads CANCELLED).</param>
/// <param name="TicketsToRefund">Seats still sold: each is refunded into its fan's wallet.</param>
public sealed record CancellationProgress(int HoldsToRelease, int TicketsToRefund, bool Complete)
{
    public static CancellationProgress Of(IReadOnlyList<Seat> seats)
    {
        var (holds, tickets) = (seats.Count(seat => seat.Status == SeatStatus.TempReserved),
            seats.Count(seat => seat.Status == SeatStatus.Reserved));
        return new CancellationProgress(holds, tickets, holds == 0 && tickets == 0);
    }
}

public static class ScheduleOverviewEndpoint
{
    [WolverineGet("/admin/schedules/{scheduleId}")]
    [Tags("Admin")]
    [EndpointSummary("A schedule's seats by status and, once cancelled, the holds still to release and the tickets still to refund. Never behind the seats.")]
    [ProblemResponse(404, ProblemCodes.ScheduleNotFound, "No such schedule.")]
    public static async Task<Results<Ok<ScheduleOverview>, ProblemHttpResult>> Get(long scheduleId, IDocumentStore store,
        TimeProvider clock, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var seats = (await session.QueryAsync(new SeatsOfSchedule { ScheduleId = scheduleId }, cancellation)).ToList();
        var concert = seats.Count == 0
            ? null
            : await session.LoadAsync<ConcertListing>(ConcertListing.StreamKey(seats[0].ConcertId), cancellation);
        if (concert?.Schedule(scheduleId) is not { } schedule) return NotFound(scheduleId);
        return TypedResults.Ok(ScheduleOverview.Of(concert.ConcertId, schedule, seats, clock.GetUtcNow()));
    }

    public static ProblemHttpResult NotFound(long scheduleId) =>
        Problems.NotFound(ProblemCodes.ScheduleNotFound, $"Schedule {scheduleId} does not exist.");
}
