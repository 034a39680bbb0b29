using Concert.Api.Idempotency;
using Concert.Api.Infrastructure;
using Concert.Api.Queue;
using Concert.Api.Reservations;
using Concert.Api.Wallet;
using Concert.Domain.Catalog;
using Concert.Domain.Payments;
using Concert.Domain.Queue;
using Concert.Domain.Reservations;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Concert.Api.Payments;

public sealed record PaymentRequest(long? ReservationId, long? Amount);

/// <param name="SeatStatus">Always CONFIRMED: the seat is sold.</param>
/// <param name="QueueTokenExpired">Always true: the payment ended the payer's queue token.</param>
public sealed record PaymentReceipt(
    long PaymentId,
    long ReservationId,
    Guid UserId,
    long Amount,
    DateTimeOffset PaidAt,
    long BalanceAfter,
    string SeatStatus,
    bool QueueTokenExpired);

/// <summary>What a payment is decided on: the payer's locked wallet, and the other three streams read for writing.</summary>
/// <param name="Seat">The reservation's seat; null when the reservation is not the payer's.</param>
public sealed record PaymentToDecide(
    LockedWallet Wallet,
    IEventStream<Reservation> Reservation,
    IEventStream<Seat>? Seat,
    IEventStream<QueueTicket> Ticket,
    long PaymentId);

public static class PayReservationEndpoint
{
    public static ProblemDetails Validate(PaymentRequest? request)
    {
        if (request is null) return Problems.BodyRequired();
        var errors = new Dictionary<string, string>();
        if (request.ReservationId is null) errors["reservationId"] = "reservationId is required.";
        if (request.Amount is null) errors["amount"] = "amount is required.";
        return errors.Count == 0 ? WolverineContinue.NoProblems : Problems.InvalidRequest(errors);
    }

    /// <summary>
    /// Four streams change together: the wallet, under its lock (so a fan's payments and charges take turns), the
    /// reservation, the seat and the payer's queue ticket, read for writing in one round trip (the seat's key comes
    /// from the reservation, so it is a second).
    /// </summary>
    public static async Task<PaymentToDecide> LoadAsync(PaymentRequest request, AdmittedFan payer,
        IDocumentSession session, PaymentIds ids, CancellationToken cancellation)
    {
        await Transactions.BeginAsync(session);
        var batch = session.CreateBatchQuery();
        var walletRead = batch.LockAndFetchWallet(payer.UserId);
        var reservationRead = batch.Events.FetchForWriting<Reservation>(Reservation.StreamKey(request.ReservationId!.Value));
        var ticketRead = batch.Events.FetchForWriting<QueueTicket>(QueueTicket.StreamKey(payer.UserId));
        await batch.Execute(cancellation);
        var reservation = await reservationRead;
        var seat = await ReservationStore.FetchOwnSeatForWritingAsync(session, reservation.Aggregate, payer.UserId, cancellation);
        return new PaymentToDecide(await walletRead, reservation, seat, await ticketRead,
            await ids.NextAsync(session, cancellation));
    }

    /// <remarks>
    /// The reservation, the seat and the ticket are also written by the hold's expiry and the admission job, without
    /// the wallet's lock; when one of them commits first, the payment is decided again on what it wrote (the expired
    /// hold is then 404).
    /// </remarks>
    [WolverinePost("/payments")]
    [ProducesResponseType<PaymentReceipt>(StatusCodes.Status201Created)]
    [Tags("Payments")]
    [Idempotent]
    [DecideAgainOnWriteConflict]
    [EndpointSummary("Pay a held seat from the wallet: in one transaction the reservation is CONFIRMED, the seat RESERVED, the wallet debited and the payer's queue token ended.")]
    [ProblemResponse(400, ProblemCodes.AmountMismatch, "amount must be the reservation's price, 80000.")]
    [ProblemResponse(402, ProblemCodes.InsufficientBalance, "The balance does not cover 80000.")]
    [ProblemResponse(404, ProblemCodes.ReservationNotFound, "No such reservation on hold for this fan.")]
    [ProblemResponse(409, ProblemCodes.AlreadyConfirmed, "The reservation is already paid.")]
    [ProblemResponse(409, ProblemCodes.ScheduleCancelled, "The seat's schedule was cancelled: its hold is released.")]
    public static IResult Post(PaymentRequest request, PaymentToDecide payment, AdmittedFan payer, TimeProvider clock)
    {
        var (now, reservationId, amount) = (clock.GetUtcNow(), request.ReservationId!.Value, request.Amount!.Value);
        var (wallet, reservation, seat, ticket) = (payment.Wallet, payment.Reservation, payment.Seat, payment.Ticket);
        var price = reservation.Aggregate?.Price;
        return Paying.Pay(reservation.Aggregate, seat?.Aggregate, wallet.Wallet, amount, payment.PaymentId, now).Match(
            paid =>
            {
                reservation.AppendOne(paid.Confirmed);
                seat!.AppendOne(paid.Sold);
                wallet.Stream.AppendOne(paid.Debited);
                QueueTokens.End(ticket, now);
                return TypedResults.Json(new PaymentReceipt(paid.Confirmed.PaymentId, reservationId, payer.UserId, amount, now,
                    wallet.Wallet.Apply(paid.Debited).Balance, "CONFIRMED", QueueTokenExpired: true),
                    statusCode: StatusCodes.Status201Created);
            },
            reason => reason switch
            {
                PaymentRefusal.ReservationNotFound => Problems.Result(StatusCodes.Status404NotFound,
                    ProblemCodes.ReservationNotFound, $"Reservation {reservationId} does not exist, or its hold has lapsed."),
                PaymentRefusal.AlreadyConfirmed => Problems.Result(StatusCodes.Status409Conflict,
                    ProblemCodes.AlreadyConfirmed, $"Reservation {reservationId} is already paid."),
                PaymentRefusal.AmountMismatch => Problems.Result(StatusCodes.Status400BadRequest,
                    ProblemCodes.AmountMismatch, $"amount must be the reservation's price, {price}."),
                PaymentRefusal.InsufficientBalance => Problems.Result(StatusCodes.Status402PaymentRequired,
                    ProblemCodes.InsufficientBalance, $"The balance does not cover {price}."),
                PaymentRefusal.ScheduleCancelled => Problems.Result(StatusCodes.Status409Conflict,
                    ProblemCodes.ScheduleCancelled, $"The schedule of reservation {reservationId} was cancelled: its hold is released."),
            });
    }
}
