using Concert.Domain;
using Concert.Api.Wallet;
using Concert.Domain.Catalog;
using Concert.Domain.Payments;
using Concert.Domain.Reservations;
using Concert.Domain.Wallet;

namespace Concert.Specs.Domain;

/// <summary>The wallet's and the payment's business rules, without a database.</summary>
public sealed class WalletAndPaymentRules
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private static readonly ChargePolicy Policy = new WalletOptions().Policy;
    private static readonly Guid Fan = Guid.Parse("a1b2c3d4-e5f6-7890-abcd-ef0123456789");

    [Fact]
    public void the_monthly_limit_counts_only_the_charges_of_the_current_month()
    {
        var wallet = FanWallet.Create(new WalletCharged(Fan, 1_000_000, "2026-10", Now.AddMonths(-1)))
            .Apply(new WalletCharged(Fan, 1_000_000, "2026-10", Now.AddMonths(-1)))
            .Apply(new WalletCharged(Fan, 1_000_000, "2026-10", Now.AddMonths(-1)));

        WalletRules.Charge(wallet, 1_000, "2026-10", Now, Policy).ShouldBeRefused().ShouldBe(ChargeRefusal.MonthlyLimitExceeded);
        var charged = WalletRules.Charge(wallet, 1_000_000, "2026-11", Now, Policy).ShouldBeAccepted();

        wallet.Apply(charged).ChargedIn("2026-11").ShouldBe(1_000_000);
    }

    [Fact]
    public void a_month_is_the_calendar_month_of_the_wallets_time_zone()
    {
        var seoul = new WalletOptions { TimeZone = "Asia/Seoul" };

        seoul.MonthOf(new DateTimeOffset(2026, 11, 30, 14, 59, 59, TimeSpan.Zero)).ShouldBe("2026-11");
        seoul.MonthOf(new DateTimeOffset(2026, 11, 30, 15, 0, 0, TimeSpan.Zero)).ShouldBe("2026-12");
    }

    [Theory]
    [InlineData(999, ChargeRefusal.AmountOutOfRange)]
    [InlineData(1_000_001, ChargeRefusal.AmountOutOfRange)]
    [InlineData(1_000_000, ChargeRefusal.BalanceLimitExceeded)]
    public void a_charge_outside_the_policy_is_refused(long amount, ChargeRefusal reason)
    {
        var wallet = FanWallet.Create(new WalletGranted(Fan, 9_500_000, Now));

        WalletRules.Charge(wallet, amount, "2026-11", Now, Policy).ShouldBeRefused().ShouldBe(reason);
    }

    [Fact]
    public void a_payment_debits_confirms_and_sells_together()
    {
        var (reservation, seat) = Held(price: 80_000);
        var wallet = FanWallet.Create(new WalletGranted(Fan, 100_000, Now));

        var paid = Paying.Pay(reservation, seat, wallet, 80_000, paymentId: 9, Now).ShouldBeAccepted();

        paid.Confirmed.ShouldBe(new PaymentConfirmed(9, 100, Fan, 80_000, Now));
        paid.Sold.ShouldBe(new SeatSold(7, 20, 100, 9, 80_000));
        wallet.Apply(paid.Debited).Balance.ShouldBe(20_000);
        seat.Apply(paid.Sold).Status.ShouldBe(SeatStatus.Reserved);
        reservation.Apply(paid.Confirmed).Status.ShouldBe(ReservationStatus.Confirmed);
    }

    [Fact]
    public void a_payment_is_refused_in_the_contracts_order()
    {
        var (reservation, seat) = Held(price: 80_000);
        var poor = FanWallet.Empty(Fan);
        var stranger = FanWallet.Create(new WalletGranted(Guid.NewGuid(), 100_000, Now));

        Refusal(Paying.Pay(null, null, poor, 80_000, 1, Now)).ShouldBe(PaymentRefusal.ReservationNotFound);
        Refusal(Paying.Pay(reservation, seat, stranger, 80_000, 1, Now)).ShouldBe(PaymentRefusal.ReservationNotFound);
        Refusal(Paying.Pay(reservation, seat, poor, 80_000, 1, reservation.HoldExpiresAt)).ShouldBe(PaymentRefusal.ReservationNotFound);
        Refusal(Paying.Pay(reservation.Apply(new PaymentConfirmed(1, 100, Fan, 80_000, Now)), seat, poor, 80_000, 2, Now))
            .ShouldBe(PaymentRefusal.AlreadyConfirmed);
        Refusal(Paying.Pay(reservation, seat, poor, 79_999, 1, Now)).ShouldBe(PaymentRefusal.AmountMismatch);
        Refusal(Paying.Pay(reservation, seat, poor, 80_000, 1, Now)).ShouldBe(PaymentRefusal.InsufficientBalance);
    }

    [Fact]
    public void the_expiry_of_a_paid_hold_changes_nothing()
    {
        var (reservation, seat) = Held(price: 80_000);
        var paid = reservation.Apply(new PaymentConfirmed(1, 100, Fan, 80_000, Now));

        SeatHolding.ExpireReservation(paid, reservation.HoldExpiresAt.AddMinutes(1)).ShouldBeNull();
        SeatHolding.ReleaseSeat(seat.Apply(new SeatSold(7, 20, 100, 1, 80_000)), 100).ShouldBeNull();
    }

    private static PaymentRefusal Refusal(Decision<Payment, PaymentRefusal> decision) => decision.ShouldBeRefused();

    private static (Reservation, Seat) Held(long price)
    {
        var seat = Seat.Create(new SeatOpened(3, 7, 20, price));
        var decision = SeatHolding.Hold(seat, 100, Fan, Now.AddMinutes(-1), TimeSpan.FromMinutes(5))
            .ShouldBeAccepted();
        return (Reservation.Create(decision.Placed), seat.Apply(decision.SeatHeld));
    }
}
