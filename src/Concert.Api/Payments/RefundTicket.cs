using Concert.Api.Catalog;
using Concert.Api.Idempotency;
using Concert.Api.Infrastructure;
using Concert.Api.Queue;
using Concert.Api.Reservations;
using Concert.Api.Wallet;
using Concert.Domain.Catalog;
using Concert.Domain.Payments;
using Concert.Domain.Reservations;
using Concert.Domain.Wallet;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Concert.Api.Payments;

/// <summary>The Refunds:* settings.</summary>
public sealed class RefundOptions
{
    /// <summary>How long before a show refunds close.</summary>
    public TimeSpan Cutoff { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A negative cutoff would refund tickets of shows already under way.</summary>
    public RefundOptions Validated() =>
        Cutoff >= TimeSpan.Zero ? this : throw new InvalidOperationException("Refunds:Cutoff must be zero or more.");
}

/// <param name="SeatStatus">AVAILABLE: the seat is back on sale; WITHDRAWN when its schedule was cancelled.</param>
public sealed record RefundReceipt(long ReservationId, long PaymentId, Guid UserId, long Amount, DateTimeOffset RefundedAt,
    long BalanceAfter, SeatStatus SeatStatus);

/// <summary>What a refund is decided on: the fan's locked wallet, the reservation and its seat, and when refunds close.</summary>
public sealed record RefundToDecide(LockedWallet Wallet, IEventStream<Reservation> Reservation, IEventStream<Seat>? Seat,
    DateTimeOffset RefundsCloseAt);

/// <summary>Where a refund's three events go: the one transaction of the fan's refund, or of a cancellation's.</summary>
public static class RefundStreams
{
    public static void Append(this Refund refund, IEventStream<Reservation> reservation, IEventStream<Seat> seat,
        IEventStream<FanWallet> wallet)
    {
        reservation.AppendOne(refund.Refunded);
        seat.AppendOne(refund.SeatFreed);
        wallet.AppendOne(refund.Credited);
    }
}

public static class RefundTicketEndpoint
{
    /// <summary>
    /// Under the wallet's lock, as payments: a fan's payment, charges and refunds take turns, so a ticket is refunded
    /// once however many refunds are asked at once.
    /// </summary>
    public static async Task<RefundToDecide> LoadAsync(long reservationId, AdmittedFan fan, IDocumentSession session,
        VenueTime venue, RefundOptions options, CancellationToken cancellation)
    {
        await Transactions.BeginAsync(session);
        var batch = session.CreateBatchQuery();
        var walletRead = batch.LockAndFetchWallet(fan.UserId);
        var reservationRead = batch.Events.FetchForWriting<Reservation>(Reservation.StreamKey(reservationId));
        await batch.Execute(cancellation);
        var reservation = await reservationRead;
        if (reservation.Aggregate is not { } paid || paid.UserId != fan.UserId)
        {
            return new RefundToDecide(await walletRead, reservation, null, DateTimeOffset.MaxValue);
        }

        var seat = await ReservationStore.FetchOwnSeatForWritingAsync(session, paid, fan.UserId, cancellation);
        var listing = await session.LoadAsync<ConcertListing>(ConcertListing.StreamKey(paid.ConcertId), cancellation);
        var startAt = listing?.Schedules.FirstOrDefault(schedule => schedule.ScheduleId == paid.ScheduleId)?.StartAt;
        return new RefundToDecide(await walletRead, reservation, seat,
            startAt is { } show ? venue.ToInstant(show) - options.Cutoff : DateTimeOffset.MinValue);
    }

    [WolverinePost("/reservations/{reservationId}/refund")]
    [ProducesResponseType<RefundReceipt>(StatusCodes.Status200OK)]
    [Tags("Payments")]
    [Idempotent]
    [DecideAgainOnWriteConflict]
    [EndpointSummary("Refund a paid ticket into the wallet until Refunds:Cutoff before the show (a cancelled show's at any time): in one transaction the reservation reads REFUNDED, the seat is back on sale and the wallet is credited what was paid.")]
    [ProblemResponse(404, ProblemCodes.ReservationNotFound, "No such reservation for this fan.")]
    [ProblemResponse(409, ProblemCodes.NotPaid, "The reservation is not paid: there is nothing to refund.")]
    [ProblemResponse(409, ProblemCodes.AlreadyRefunded, "The ticket is refunded already.")]
    [ProblemResponse(409, ProblemCodes.RefundClosed, "Refunds closed before the show (Refunds:Cutoff).")]
    public static IResult Post(long reservationId, [NotBody] RefundToDecide refund, AdmittedFan fan, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var (wallet, reservation, seat) = (refund.Wallet, refund.Reservation, refund.Seat);
        return Refunding.Refund(reservation.Aggregate, seat?.Aggregate, wallet.Wallet, refund.RefundsCloseAt, now, RefundReason.FanAsked).Match(
            refunded =>
            {
                refunded.Append(reservation, seat!, wallet.Stream);
                return TypedResults.Ok(new RefundReceipt(reservationId, refunded.Refunded.PaymentId, fan.UserId,
                    refunded.Refunded.Amount, now, wallet.Wallet.Apply(refunded.Credited).Balance,
                    seat!.Aggregate!.Apply(refunded.SeatFreed).StatusAt(now)));
            },
            reason => reason switch
            {
                RefundRefusal.ReservationNotFound => Problems.Result(StatusCodes.Status404NotFound,
                    ProblemCodes.ReservationNotFound, $"Reservation {reservationId} does not exist."),
                RefundRefusal.NotPaid => Problems.Result(StatusCodes.Status409Conflict,
                    ProblemCodes.NotPaid, $"Reservation {reservationId} is not paid: there is nothing to refund."),
                RefundRefusal.AlreadyRefunded => Problems.Result(StatusCodes.Status409Conflict,
                    ProblemCodes.AlreadyRefunded, $"Reservation {reservationId} is refunded already."),
                RefundRefusal.RefundClosed => Problems.Result(StatusCodes.Status409Conflict,
                    ProblemCodes.RefundClosed, $"Refunds for this show closed at {refund.RefundsCloseAt:O}."),
            });
    }
}
