using Concert.Api.Infrastructure;
using Concert.Api.Payments;
using Concert.Api.Wallet;
using Concert.Domain;
using Concert.Domain.Catalog;
using Concert.Domain.Payments;
using Concert.Domain.Reservations;
using JasperFx.Events;
using Marten;

namespace Concert.Api.Cancellations;

/// <summary>One seat of a cancelled schedule to settle: a durable message, stored with the cancellation's transaction.</summary>
public sealed record SettleWithdrawnSeat(long ScheduleId, int SeatNumber);

public static class SettleWithdrawnSeatHandler
{
    /// <summary>
    /// Releases the seat's hold or refunds its ticket, whichever it has. Idempotent: a free seat, or a hold or ticket
    /// its fan let go or refunded first, is left alone; a fan's refund or release that commits between these reads and
    /// this write fails it on the streams' versions, and it runs again (the retry policy) on what they wrote.
    /// </summary>
    public static async Task Handle(SettleWithdrawnSeat command, IDocumentSession session, TimeProvider clock,
        CancellationToken cancellation)
    {
        var now = clock.GetUtcNow();
        var seatKey = Seat.StreamKey(command.ScheduleId, command.SeatNumber);
        // Whose reservation the seat has, from the views; then the streams, in the order a fan's own refund, release and
        // payment take them (the wallet's lock, the reservation, the seat), so that none of them and this wait on each
        // other's locks in a circle.
        if (await session.LoadAsync<Seat>(seatKey, cancellation) is not { Withdrawn: true, ReservationId: { } reservationId } seen
            || await session.LoadAsync<Reservation>(Reservation.StreamKey(reservationId), cancellation) is not { } owner)
        {
            return;
        }

        await Transactions.BeginAsync(session);
        var batch = session.CreateBatchQuery();
        var walletRead = seen.Status == SeatStatus.Reserved ? batch.LockAndFetchWallet(owner.UserId) : null;
        var reservationRead = batch.Events.FetchForWriting<Reservation>(Reservation.StreamKey(reservationId));
        var seatRead = batch.Events.FetchForWriting<Seat>(seatKey);
        await batch.Execute(cancellation);
        var (reservation, seat) = (await reservationRead, await seatRead);
        if (reservation.Aggregate is not { } current || seat.Aggregate is not { } withdrawn) return;

        if (walletRead is null)
        {
            if (SeatHolding.CancelHold(current, withdrawn, now) is { } cancelled)
            {
                reservation.AppendOne(cancelled.Cancelled);
                seat.AppendOne(cancelled.SeatFreed);
            }

            return;
        }

        var wallet = await walletRead;
        if (Refunding.RefundCancelled(current, withdrawn, wallet.Wallet, now) is Decision<Refund, RefundRefusal>.Accepted { Events: var refund })
        {
            refund.Append(reservation, seat, wallet.Stream);
        }
    }
}
