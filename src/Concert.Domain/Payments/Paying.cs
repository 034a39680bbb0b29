using Concert.Domain.Catalog;
using Concert.Domain.Reservations;
using Concert.Domain.Wallet;

namespace Concert.Domain.Payments;

public enum PaymentRefusal
{
    /// <summary>No such reservation for this fan, or its hold has lapsed.</summary>
    ReservationNotFound,
    AlreadyConfirmed,
    AmountMismatch,
    InsufficientBalance,

    /// <summary>The seat's schedule was cancelled: its hold is being released.</summary>
    ScheduleCancelled,
}

/// <summary>The three events of one payment, each for its own stream, committed together.</summary>
public sealed record Payment(PaymentConfirmed Confirmed, SeatSold Sold, WalletDebited Debited);

/// <summary>Paying for a held seat from the wallet, free of I/O.</summary>
public static class Paying
{
    /// <summary>
    /// A payment goes through only for the payer's own reservation, on hold and not lapsed, whose seat it still
    /// holds, for exactly its price, from a wallet that covers it.
    /// </summary>
    public static Decision<Payment, PaymentRefusal> Pay(Reservation? reservation, Seat? seat, FanWallet wallet, long amount,
        long paymentId, DateTimeOffset now)
    {
        if (reservation is null || reservation.UserId != wallet.UserId) return PaymentRefusal.ReservationNotFound;
        switch (reservation.StatusAt(now))
        {
            case ReservationStatus.Confirmed: return PaymentRefusal.AlreadyConfirmed;
            case ReservationStatus.Cancelled: return PaymentRefusal.ScheduleCancelled;
            case ReservationStatus.Expired or ReservationStatus.Released or ReservationStatus.Refunded:
                return PaymentRefusal.ReservationNotFound;
        }

        if (seat is { Withdrawn: true }) return PaymentRefusal.ScheduleCancelled;
        if (seat is null || seat.ReservationId != reservation.ReservationId || seat.StatusAt(now) != SeatStatus.TempReserved)
        {
            return PaymentRefusal.ReservationNotFound;
        }

        if (amount != reservation.Price) return PaymentRefusal.AmountMismatch;
        if (wallet.Balance < amount) return PaymentRefusal.InsufficientBalance;

        return new Payment(
            new PaymentConfirmed(paymentId, reservation.ReservationId, wallet.UserId, amount, now),
            new SeatSold(reservation.ScheduleId, reservation.SeatNumber, reservation.ReservationId, paymentId, amount),
            new WalletDebited(wallet.UserId, amount, paymentId, reservation.ReservationId, now));
    }
}
