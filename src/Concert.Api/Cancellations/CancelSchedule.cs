using Concert.Api.Catalog;
using Concert.Api.Infrastructure;
using Concert.Domain.Catalog;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace Concert.Api.Cancellations;

/// <summary>What a cancellation is decided on: the schedule's seats and its concert, read for writing.</summary>
/// <param name="Concert">Null when the schedule has no seats, so does not exist.</param>
public sealed record CancellationToDecide(IReadOnlyList<Seat> Seats, IEventStream<ConcertListing>? Concert);

public static class CancelScheduleEndpoint
{
    /// <summary>
    /// Schedules of one concert cancelled at once all write the concert's stream: they take turns on its lock rather
    /// than fail on its version.
    /// </summary>
    public static async Task<CancellationToDecide> LoadAsync(long scheduleId, IDocumentSession session,
        CancellationToken cancellation)
    {
        var seats = (await session.QueryAsync(new SeatsOfSchedule { ScheduleId = scheduleId }, cancellation)).ToList();
        if (seats.Count == 0) return new CancellationToDecide(seats, null);
        var concert = ConcertListing.StreamKey(seats[0].ConcertId);
        await Transactions.BeginAsync(session);
        await Locks.TakeAsync(session, concert, cancellation);
        return new CancellationToDecide(seats, await session.Events.FetchForWriting<ConcertListing>(concert, cancellation));
    }

    /// <remarks>
    /// One transaction records the cancellation, withdraws every seat (a hold or payment that read a seat before commits
    /// after it fails on the seat's version and is decided again, refused) and stores one durable message per seat,
    /// which releases its hold or refunds its ticket. A crash leaves those messages to this node's restart or another
    /// node; settling a seat twice changes nothing. A second cancellation, or one that raced this one, reads the progress.
    /// </remarks>
    [WolverinePost("/admin/schedules/{scheduleId}/cancel")]
    [ProducesResponseType<ScheduleOverview>(StatusCodes.Status202Accepted)]
    [ProducesResponseType<ScheduleOverview>(StatusCodes.Status200OK)]
    [ResponseHeader(202, "Location", "The cancellation's progress: /admin/schedules/{scheduleId}.")]
    [Tags("Admin")]
    [DecideAgainOnWriteConflict]
    [EndpointSummary("Cancel a schedule: new holds and payments are refused at once (409 SCHEDULE_CANCELLED), then every hold is released and every paid ticket refunded into its fan's wallet, once each. 202 with the progress; 200 when it was cancelled already.")]
    [ProblemResponse(404, ProblemCodes.ScheduleNotFound, "No such schedule.")]
    public static (IResult, OutgoingMessages) Post(long scheduleId, [NotBody] CancellationToDecide cancellation,
        IDocumentSession session, HttpContext context, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var (seats, concert) = (cancellation.Seats, cancellation.Concert);
        return ScheduleCancelling.Cancel(concert?.Aggregate, scheduleId, now).Match<(IResult, OutgoingMessages)>(
            cancelled =>
            {
                concert!.AppendOne(cancelled.Cancelled);
                var settling = new OutgoingMessages();
                foreach (var withdrawn in cancelled.Withdrawn)
                {
                    session.Events.Append(Seat.StreamKey(scheduleId, withdrawn.SeatNumber), withdrawn);
                    settling.Add(new SettleWithdrawnSeat(scheduleId, withdrawn.SeatNumber));
                }

                var withdrawnSeats = seats.Select(seat => seat.Apply(cancelled.Withdrawn[seat.Number - 1])).ToList();
                context.Response.Headers.Location = $"/admin/schedules/{scheduleId}";
                return (TypedResults.Json(Overview(concert.Aggregate!.Apply(cancelled.Cancelled), withdrawnSeats),
                    statusCode: StatusCodes.Status202Accepted), settling);
            },
            reason => reason switch
            {
                CancellationRefusal.ScheduleNotFound => (ScheduleOverviewEndpoint.NotFound(scheduleId), []),
                CancellationRefusal.AlreadyCancelled => (TypedResults.Ok(Overview(concert!.Aggregate!, seats)), []),
            });

        ScheduleOverview Overview(ConcertListing listing, IReadOnlyList<Seat> shown) =>
            ScheduleOverview.Of(listing.ConcertId, listing.Schedule(scheduleId)!, shown, now);
    }
}
