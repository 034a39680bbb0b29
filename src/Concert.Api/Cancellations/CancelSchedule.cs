using Concert.Api.Catalog;
using Concert.Api.Infrastructure;
using Concert.Domain.Catalog;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace Concert.Api.Cancellations;

/// <summary>What a cancellation is decided on: the schedule's concert and its seats, read for writing.</summary>
/// <param name="Concert">Null when the schedule has no seats, so does not exist.</param>
public sealed record CancellationToDecide(IEventStream<ConcertListing>? Concert, IReadOnlyList<IEventStream<Seat>> Seats);

public static class CancelScheduleEndpoint
{
    /// <summary>
    /// Schedules of one concert cancelled at once all write the concert's stream: they take turns on its lock rather
    /// than fail on its version. The seats are read for writing, each withdrawal appended against the version read: a
    /// hold, payment, release or refund of a seat that commits first makes the cancellation fail on that version and be
    /// decided again on what it wrote (appended without a version, the seat's view would be projected from a read taken
    /// before such a sale, and lose it). Locking the seats' rows up front instead deadlocked with those writers, whose
    /// appends take the rows' key-share locks before their versions' updates.
    /// </summary>
    public static async Task<CancellationToDecide> LoadAsync(long scheduleId, IDocumentSession session,
        CancellationToken cancellation)
    {
        var seats = await session.QueryAsync(new SeatsOfSchedule { ScheduleId = scheduleId }, cancellation);
        if (seats.FirstOrDefault() is not { } first) return new CancellationToDecide(null, []);
        var concert = ConcertListing.StreamKey(first.ConcertId);
        await Transactions.BeginAsync(session);
        await Locks.TakeAsync(session, concert, cancellation);
        var batch = session.CreateBatchQuery();
        var concertRead = batch.Events.FetchForWriting<ConcertListing>(concert);
        var seatReads = seats.Select(seat => batch.Events.FetchForWriting<Seat>(seat.Id)).ToList();
        await batch.Execute(cancellation);
        return new CancellationToDecide(await concertRead, await Task.WhenAll(seatReads));
    }

    /// <remarks>
    /// One transaction records the cancellation, withdraws every seat and stores one durable message per seat with a
    /// hold or a sale, which releases the hold or refunds the ticket. A crash leaves those messages to this node's restart or another node;
    /// settling a seat twice changes nothing. Cancelling again sends the messages again for the seats still held or sold
    /// (the operator's remedy for a settlement that became a dead letter).
    /// </remarks>
    [WolverinePost("/admin/schedules/{scheduleId}/cancel")]
    [ProducesResponseType<ScheduleOverview>(StatusCodes.Status202Accepted)]
    [ProducesResponseType<ScheduleOverview>(StatusCodes.Status200OK)]
    [ResponseHeader(202, "Location", "The cancellation's progress: /admin/schedules/{scheduleId}.")]
    [Tags("Admin")]
    [DecideAgainOnWriteConflict]
    [EndpointSummary("Cancel a schedule: new holds and payments are refused at once (409 SCHEDULE_CANCELLED), then every hold is released and every paid ticket refunded into its fan's wallet, once each. 202 with the progress; 200 when it was cancelled already (what is left to settle is sent again).")]
    [ProblemResponse(404, ProblemCodes.ScheduleNotFound, "No such schedule.")]
    public static (IResult, OutgoingMessages) Post(long scheduleId, [NotBody] CancellationToDecide cancellation,
        HttpContext context, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var (concert, seats) = (cancellation.Concert, cancellation.Seats);
        return ScheduleCancelling.Cancel(concert?.Aggregate, scheduleId, seats.Select(seat => seat.Aggregate!), now)
            .Match<(IResult, OutgoingMessages)>(
                cancelled =>
                {
                    concert!.AppendOne(cancelled.Cancelled);
                    var withdrawnSeats = seats.Zip(cancelled.Withdrawn, (seat, withdrawn) =>
                    {
                        seat.AppendOne(withdrawn);
                        return seat.Aggregate!.Apply(withdrawn);
                    }).ToList();
                    context.Response.Headers.Location = $"/admin/schedules/{scheduleId}";
                    return (TypedResults.Json(Overview(concert.Aggregate!.Apply(cancelled.Cancelled), withdrawnSeats),
                        statusCode: StatusCodes.Status202Accepted), Settlements(withdrawnSeats));
                },
                reason => reason switch
                {
                    CancellationRefusal.ScheduleNotFound => (ScheduleOverviewEndpoint.NotFound(scheduleId), []),
                    CancellationRefusal.AlreadyCancelled =>
                        (TypedResults.Ok(Overview(concert!.Aggregate!, seats.Select(seat => seat.Aggregate!).ToList())),
                            Settlements(seats.Select(seat => seat.Aggregate!))),
                });

        ScheduleOverview Overview(ConcertListing listing, IReadOnlyList<Seat> shown) =>
            ScheduleOverview.Of(listing.ConcertId, listing.Schedule(scheduleId)!, shown, now);

        // Only a seat with a hold or a sale has anything to settle; a free one stays free, withdrawn.
        OutgoingMessages Settlements(IEnumerable<Seat> withdrawn)
        {
            var messages = new OutgoingMessages();
            messages.AddRange(withdrawn.Where(seat => seat.AwaitsSettlement).Select(seat => new SettleWithdrawnSeat(scheduleId, seat.Number)));
            return messages;
        }
    }
}
