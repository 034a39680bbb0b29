using Concert.Api.Wallet;
using Concert.Domain;
using Concert.Domain.Catalog;
using Concert.Domain.Payments;
using Concert.Domain.Reservations;
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
        var seat = await session.Events.FetchForWriting<Seat>(Seat.StreamKey(command.ScheduleId, command.SeatNumber), cancellation);
        if (seat.Aggregate is not { Withdrawn: true, ReservationId: { } reservationId } withdrawn) return;
        var reservation = await session.Events.FetchForWriting<Reservation>(Reservation.StreamKey(reservationId), cancellation);
        if (reservation.Aggregate is not { } current) return;

        if (withdrawn.Status == SeatStatus.TempReserved)
        {
            if (SeatHolding.CancelHold(current, withdrawn, now) is { } cancelled)
            {
                reservation.AppendOne(cancelled.Cancelled);
                seat.AppendOne(cancelled.SeatFreed);
            }

            return;
        }

        // Under the fan's wallet lock, as their own payments and refunds: the wallet's balance is written in turn.
        var wallet = await WalletStore.LockForWritingAsync(session, current.UserId, cancellation);
        if (Refunding.RefundCancelled(current, withdrawn, wallet.Wallet, now) is Decision<Refund, RefundRefusal>.Accepted { Events: var refund })
        {
            reservation.AppendOne(refund.Refunded);
            seat.AppendOne(refund.SeatFreed);
            wallet.Stream.AppendOne(refund.Credited);
        }
    }
}
