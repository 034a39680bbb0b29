using Concert.Domain.Catalog;
using Concert.Domain.Reservations;
using Concert.Domain.Wallet;

namespace Concert.Domain.Payments;

public enum RefundRefusal
{
    /// <summary>No such reservation for this fan.</summary>
    ReservationNotFound,

    /// <summary>Not paid (on hold, lapsed or let go): there is nothing to refund.</summary>
    NotPaid,

    AlreadyRefunded,

    /// <summary>Too close to the show (Refunds:Cutoff).</summary>
    RefundClosed,
}

/// <summary>The three events of one refund, each for its own stream, committed together.</summary>
public sealed record Refund(ReservationRefunded Refunded, SaleRefunded SeatFreed, WalletRefunded Credited);

/// <summary>Refunding a paid ticket into the wallet, free of I/O.</summary>
public static class Refunding
{
    /// <summary>
    /// The fan's own paid reservation, until refunds close before the show: the reservation reads REFUNDED, the seat is
    /// back on sale (unless its schedule was cancelled) and what was paid goes back into the wallet, outside the charge
    /// policy. A cancelled schedule's tickets are refunded whatever the time, by the fan or by the cancellation.
    /// </summary>
    public static Decision<Refund, RefundRefusal> Refund(Reservation? reservation, Seat? seat, FanWallet wallet,
        DateTimeOffset refundsCloseAt, DateTimeOffset now, RefundReason reason)
    {
        if (reservation is null || reservation.UserId != wallet.UserId) return RefundRefusal.ReservationNotFound;
        switch (reservation.StatusAt(now))
        {
            case ReservationStatus.Refunded: return RefundRefusal.AlreadyRefunded;
            case not ReservationStatus.Confirmed: return RefundRefusal.NotPaid;
        }

        // The seat must still be this sale's: a refund never frees a seat someone else holds or bought.
        if (seat is null || seat.Status != SeatStatus.Reserved || seat.ReservationId != reservation.ReservationId)
        {
            return RefundRefusal.NotPaid;
        }

        if (now >= refundsCloseAt && !seat.Withdrawn) return RefundRefusal.RefundClosed;
        var (paymentId, amount) = (reservation.PaymentId!.Value, reservation.Price);
        return new Refund(
            new ReservationRefunded(reservation.ReservationId, paymentId, wallet.UserId, amount, now, reason),
            new SaleRefunded(reservation.ScheduleId, reservation.SeatNumber, reservation.ReservationId, paymentId, amount),
            new WalletRefunded(wallet.UserId, amount, paymentId, reservation.ReservationId, now, reason));
    }

    /// <summary>A ticket of a cancelled schedule, refunded by the cancellation itself (no cutoff applies to a withdrawn seat).</summary>
    public static Decision<Refund, RefundRefusal> RefundCancelled(Reservation reservation, Seat seat, FanWallet wallet,
        DateTimeOffset now) =>
        Refund(reservation, seat, wallet, refundsCloseAt: now, now, RefundReason.ScheduleCancelled);
}
