using Concert.Api.Infrastructure;
using Concert.Api.Queue;
using Concert.Api.Wallet;
using Concert.Domain.Catalog;
using Concert.Domain.Payments;
using Concert.Domain.Queue;
using Concert.Domain.Reservations;
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

    /// <remarks>
    /// Four streams change together: the wallet (under its lock), the reservation, the seat and the payer's queue
    /// ticket. The last three are also written by the hold's expiry and the admission job, without the wallet's
    /// lock; when one of them gets there first, the payment is decided again on what they wrote (the expired hold
    /// is then 404), which is why this endpoint commits itself instead of returning its events.
    /// </remarks>
    [WolverinePost("/payments")]
    [ProducesResponseType<PaymentReceipt>(StatusCodes.Status201Created)]
    [Tags("Payments")]
    [Idempotent]
    [EndpointSummary("Pay a held seat from the wallet: in one transaction the reservation is CONFIRMED, the seat RESERVED, the wallet debited and the payer's queue token ended.")]
    [ProblemResponse(400, "AMOUNT_MISMATCH", "amount must be the reservation's price, 80000.")]
    [ProblemResponse(402, "INSUFFICIENT_BALANCE", "The balance does not cover 80000.")]
    [ProblemResponse(404, "RESERVATION_NOT_FOUND", "No such reservation on hold for this fan.")]
    [ProblemResponse(409, "ALREADY_CONFIRMED", "The reservation is already paid.")]
    public static Task<IResult> Post(PaymentRequest request, HttpContext context, IDocumentStore store, PaymentIds ids,
        TimeProvider clock, CancellationToken cancellation)
    {
        var payer = context.Features.Get<AdmittedFan>()!.UserId;
        var (reservationId, amount) = (request.ReservationId!.Value, request.Amount!.Value);
        return store.DecideAndCommitAsync(async session =>
        {
            var now = clock.GetUtcNow();
            await Transactions.BeginAsync(session);
            var batch = session.CreateBatchQuery();
            var walletRead = batch.LockAndFetchWallet(payer);
            var reservationRead = batch.Events.FetchForWriting<Reservation>(Reservation.StreamKey(reservationId));
            var ticketRead = batch.Events.FetchForWriting<QueueTicket>(QueueTicket.StreamKey(payer));
            await batch.Execute(cancellation);
            var ((wallet, balance), reservation) = (await walletRead, await reservationRead);
            var seat = reservation.Aggregate is { } held && held.UserId == payer
                ? await session.Events.FetchForWriting<Seat>(Seat.StreamKey(held.ScheduleId, held.SeatNumber), cancellation)
                : null;
            var decision = Paying.Pay(reservation.Aggregate, seat?.Aggregate, balance, amount,
                await ids.NextAsync(session, cancellation), now);
            if (decision is not PaymentDecision.Paid paid)
            {
                var (status, code, message) = Refusal(((PaymentDecision.Refused)decision).Reason, reservationId,
                    reservation.Aggregate?.Price);
                return IdempotencyClaim.Refuse(session, context, status, code, message);
            }

            reservation.AppendOne(paid.Confirmed);
            seat!.AppendOne(paid.Sold);
            wallet.AppendOne(paid.Debited);
            QueueTokens.End(await ticketRead, now);
            var receipt = new PaymentReceipt(paid.Confirmed.PaymentId, reservationId, payer, amount, now,
                balance.Apply(paid.Debited).Balance, "CONFIRMED", QueueTokenExpired: true);
            context.Features.Get<IdempotencyClaim>()?.Record(session, context, StatusCodes.Status201Created, receipt);
            return TypedResults.Json(receipt, statusCode: StatusCodes.Status201Created);
        }, cancellation);
    }

    private static (int Status, string Code, string Message) Refusal(PaymentRefusal reason, long reservationId, long? price) =>
        reason switch
        {
            PaymentRefusal.AlreadyConfirmed => (StatusCodes.Status409Conflict, "ALREADY_CONFIRMED",
                $"Reservation {reservationId} is already paid."),
            PaymentRefusal.AmountMismatch => (StatusCodes.Status400BadRequest, "AMOUNT_MISMATCH",
                $"amount must be the reservation's price, {price}."),
            PaymentRefusal.InsufficientBalance => (StatusCodes.Status402PaymentRequired, "INSUFFICIENT_BALANCE",
                $"The balance does not cover {price}."),
            _ => (StatusCodes.Status404NotFound, "RESERVATION_NOT_FOUND",
                $"Reservation {reservationId} does not exist, or its hold has lapsed."),
        };
}
