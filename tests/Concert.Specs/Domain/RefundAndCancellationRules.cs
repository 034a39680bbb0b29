using Concert.Domain;
using Concert.Domain.Catalog;
using Concert.Domain.Payments;
using Concert.Domain.Reservations;
using Concert.Domain.Wallet;

namespace Concert.Specs.Domain;

/// <summary>Refunding tickets and cancelling schedules, without a database.</summary>
public sealed class RefundAndCancellationRules
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset RefundsClose = Now.AddDays(10);
    private static readonly Guid Fan = Guid.Parse("a1b2c3d4-e5f6-7890-abcd-ef0123456789");
    private const RefundReason FanAsked = RefundReason.FanAsked;
    private static readonly FanWallet Wallet = FanWallet.Create(new WalletGranted(Fan, 10_000, Now));

    [Fact]
    public void a_refund_credits_the_price_frees_the_seat_and_closes_the_reservation_together()
    {
        var (reservation, seat) = Paid();

        var refund = Refunding.Refund(reservation, seat, Wallet, RefundsClose, Now, FanAsked).ShouldBeAccepted();

        refund.Refunded.ShouldBe(new ReservationRefunded(100, 9, Fan, 80_000, Now, RefundReason.FanAsked));
        Wallet.Apply(refund.Credited).Balance.ShouldBe(90_000);
        seat.Apply(refund.SeatFreed).StatusAt(Now).ShouldBe(SeatStatus.Available);
        reservation.Apply(refund.Refunded).Status.ShouldBe(ReservationStatus.Refunded);
    }

    [Fact]
    public void a_refund_is_refused_for_a_strangers_an_unpaid_a_refunded_or_a_late_ticket()
    {
        var (reservation, seat) = Paid();
        var (held, heldSeat) = Held();
        var refunded = Refunding.Refund(reservation, seat, Wallet, RefundsClose, Now, FanAsked).ShouldBeAccepted();
        var stranger = FanWallet.Empty(Guid.NewGuid());

        Refunding.Refund(null, null, Wallet, RefundsClose, Now, FanAsked).ShouldBeRefused().ShouldBe(RefundRefusal.ReservationNotFound);
        Refunding.Refund(reservation, seat, stranger, RefundsClose, Now, FanAsked).ShouldBeRefused().ShouldBe(RefundRefusal.ReservationNotFound);
        Refunding.Refund(held, heldSeat, Wallet, RefundsClose, Now, FanAsked).ShouldBeRefused().ShouldBe(RefundRefusal.NotPaid);
        Refunding.Refund(reservation.Apply(refunded.Refunded), seat.Apply(refunded.SeatFreed), Wallet, RefundsClose, Now, FanAsked)
            .ShouldBeRefused().ShouldBe(RefundRefusal.AlreadyRefunded);
        Refunding.Refund(reservation, seat, Wallet, RefundsClose, RefundsClose, FanAsked).ShouldBeRefused().ShouldBe(RefundRefusal.RefundClosed);
    }

    [Fact]
    public void cancelling_a_schedule_withdraws_each_of_its_seats_once()
    {
        var concert = Concert();

        var cancellation = ScheduleCancelling.Cancel(concert, 7, Seats, Now).ShouldBeAccepted();

        cancellation.Cancelled.ShouldBe(new ScheduleCancelled(3, 7, Now));
        cancellation.Withdrawn.Select(seat => seat.SeatNumber).ShouldBe(Enumerable.Range(1, Venue.SeatCount));
        cancellation.Withdrawn.ShouldAllBe(seat => seat.ScheduleId == 7);
        ScheduleCancelling.Cancel(concert.Apply(cancellation.Cancelled), 7, Seats, Now).ShouldBeRefused()
            .ShouldBe(CancellationRefusal.AlreadyCancelled);
        ScheduleCancelling.Cancel(concert, 8, Seats, Now).ShouldBeRefused().ShouldBe(CancellationRefusal.ScheduleNotFound);
        ScheduleCancelling.Cancel(null, 7, Seats, Now).ShouldBeRefused().ShouldBe(CancellationRefusal.ScheduleNotFound);
    }

    [Fact]
    public void a_withdrawn_seat_takes_no_hold_and_no_payment()
    {
        var open = Seat.Create(new SeatOpened(3, 7, 20, 80_000)).Apply(Withdrawal(20));
        var (held, heldSeat) = Held();

        open.StatusAt(Now).ShouldBe(SeatStatus.Withdrawn);
        SeatHolding.Hold(open, 101, Fan, Now, TimeSpan.FromMinutes(5)).ShouldBeRefused().ShouldBe(HoldRefusal.ScheduleCancelled);
        Paying.Pay(held, heldSeat.Apply(Withdrawal(20)), Wallet.Apply(new WalletGranted(Fan, 100_000, Now)), 80_000, 9, Now)
            .ShouldBeRefused().ShouldBe(PaymentRefusal.ScheduleCancelled);
    }

    [Fact]
    public void the_cancellation_ends_a_hold_once_and_only_on_a_withdrawn_seat()
    {
        var (held, heldSeat) = Held();
        var withdrawn = heldSeat.Apply(Withdrawal(20));

        SeatHolding.CancelHold(held, heldSeat, Now).ShouldBeNull();
        var cancelled = SeatHolding.CancelHold(held, withdrawn, Now).ShouldNotBeNull();
        cancelled.ShouldBe(new HoldCancellation(new ReservationCancelled(100, Now), new HoldReleased(7, 20, 100)));
        withdrawn.Apply(cancelled.SeatFreed).StatusAt(Now).ShouldBe(SeatStatus.Withdrawn);
        SeatHolding.CancelHold(held.Apply(cancelled.Cancelled), withdrawn.Apply(cancelled.SeatFreed), Now).ShouldBeNull();
        SeatHolding.ExpireReservation(held.Apply(cancelled.Cancelled), held.HoldExpiresAt).ShouldBeNull();
        Paying.Pay(held.Apply(cancelled.Cancelled), withdrawn, Wallet, 80_000, 9, Now).ShouldBeRefused()
            .ShouldBe(PaymentRefusal.ScheduleCancelled);
    }

    [Fact]
    public void the_cancellation_refunds_a_ticket_whatever_the_cutoff_and_says_why()
    {
        var (reservation, seat) = Paid();
        var withdrawn = seat.Apply(Withdrawal(20));

        var refund = Refunding.RefundCancelled(reservation, withdrawn, Wallet, RefundsClose.AddDays(1)).ShouldBeAccepted();
        Refunding.RefundCancelled(reservation, seat, Wallet, Now).ShouldBeRefused().ShouldBe(RefundRefusal.RefundClosed);

        (refund.Refunded.Reason, refund.Credited.Reason).ShouldBe((RefundReason.ScheduleCancelled, RefundReason.ScheduleCancelled));
        withdrawn.Apply(refund.SeatFreed).StatusAt(Now).ShouldBe(SeatStatus.Withdrawn);
        Refunding.Refund(reservation, withdrawn, Wallet, RefundsClose, RefundsClose.AddDays(1), FanAsked).ShouldBeAccepted()
            .Refunded.Reason.ShouldBe(RefundReason.FanAsked);
        Refunding.RefundCancelled(reservation.Apply(refund.Refunded), withdrawn.Apply(refund.SeatFreed), Wallet, Now)
            .ShouldBeRefused().ShouldBe(RefundRefusal.AlreadyRefunded);
    }

    private static SeatWithdrawn Withdrawal(int seat) => new(7, seat, Now);

    private static readonly Seat[] Seats = Venue.SeatNumbers.Select(seat => Seat.Create(new SeatOpened(3, 7, seat, 60_000))).ToArray();

    private static ConcertListing Concert() =>
        ConcertListing.Create(new ConcertCreated(3, "Spec"))
            .Apply(new ScheduleOpened(3, 7, new DateTime(2026, 12, 24, 19, 0, 0), Venue.SeatCount));

    private static (Reservation, Seat) Held()
    {
        var seat = Seat.Create(new SeatOpened(3, 7, 20, 80_000));
        var decision = SeatHolding.Hold(seat, 100, Fan, Now.AddMinutes(-1), TimeSpan.FromMinutes(5)).ShouldBeAccepted();
        return (Reservation.Create(decision.Placed), seat.Apply(decision.SeatHeld));
    }

    private static (Reservation, Seat) Paid()
    {
        var (reservation, seat) = Held();
        var paid = Paying.Pay(reservation, seat, Wallet.Apply(new WalletGranted(Fan, 70_000, Now)), 80_000, 9, Now)
            .ShouldBeAccepted();
        return (reservation.Apply(paid.Confirmed), seat.Apply(paid.Sold));
    }
}
