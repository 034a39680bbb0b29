using Alba;
using Concert.Api.Reservations;
using Concert.Domain.Catalog;
using Concert.Domain.Payments;
using Concert.Domain.Reservations;
using Concert.Domain.Wallet;
using Concert.Specs.Support;
using Marten;

namespace Concert.Specs.Payments;

[Collection(HoldsAppCollection.Name)]
public sealed class PayingAgainstTheClock(HoldsApp app)
{
    private HoldsApp App => app;

    private IAlbaHost Host => app.Host;

    [Fact]
    public async Task a_lapsed_hold_gets_404_even_before_the_expiry_job_has_run()
    {
        var concert = await Host.OpenConcertWithNights("2027-06-01T19:00:00");
        var fan = await Host.NewAdmittedFan();
        await Host.Charge(fan, 200_000);
        var held = await (await Host.Hold(fan, concert, 3, expectedStatus: 201)).Read<ReservationView>();
        app.LetHoldsLapse();

        await (await Host.Pay(fan, held.ReservationId, held.Price, expectedStatus: 404)).ShouldBeProblem(404, "RESERVATION_NOT_FOUND");

        (await Host.Balance(fan)).ShouldBe(200_000);
    }

    [Fact]
    public async Task a_payment_racing_its_holds_expiry_is_either_paid_and_never_expired_or_expired_and_never_paid()
    {
        var concert = await Host.OpenConcertWithNights("2027-06-02T19:00:00");
        var fans = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Host.NewAdmittedFan()));
        await Task.WhenAll(fans.Select(fan => Host.Charge(fan, 200_000)));
        var holds = await Task.WhenAll(fans.Select(async (fan, i) =>
            await (await Host.Hold(fan, concert, i + 1, expectedStatus: 201)).Read<ReservationView>()));

        // The payments start in the holds' last moment; once the first is through, the clock reaches the lapse and the
        // expiries run while the other payments are still being decided and committed.
        App.Clock.Advance(App.HoldDuration - TimeSpan.FromTicks(1));
        var paying = fans.Select((fan, i) => Task.Run(() => Host.Pay(fan, holds[i].ReservationId, holds[i].Price, expectedStatus: null))).ToList();
        await Task.WhenAny(paying);
        App.Clock.Advance(TimeSpan.FromTicks(1));
        await Task.WhenAll(holds.Select(held => Task.Run(() => Host.RecordExpiry(held.ReservationId))));
        var payments = await Task.WhenAll(paying);
        await Task.WhenAll(holds.Select(held => Host.RecordExpiry(held.ReservationId))); // as the scheduler would, after the payments

        await using var session = Host.DocumentStore().QuerySession();
        for (var i = 0; i < fans.Length; i++)
        {
            var status = payments[i].Context.Response.StatusCode;
            status.ShouldBeOneOf(201, 404);
            var reservationEvents = await Host.EventsOf(Reservation.StreamKey(holds[i].ReservationId));
            var seat = await session.LoadAsync<Seat>(Seat.StreamKey(holds[i].ScheduleId, i + 1));
            var wallet = await session.LoadAsync<FanWallet>(FanWallet.StreamKey(fans[i].UserId));
            var debits = (await Host.EventsOf(FanWallet.StreamKey(fans[i].UserId))).OfType<WalletDebited>().Count();
            if (status == 201)
            {
                reservationEvents.OfType<PaymentConfirmed>().ShouldHaveSingleItem();
                reservationEvents.OfType<ReservationExpired>().ShouldBeEmpty();
                seat!.Status.ShouldBe(SeatStatus.Reserved);
                (debits, wallet!.Balance).ShouldBe((1, 200_000 - holds[i].Price));
            }
            else
            {
                reservationEvents.OfType<PaymentConfirmed>().ShouldBeEmpty();
                reservationEvents.OfType<ReservationExpired>().ShouldHaveSingleItem();
                seat!.Status.ShouldBe(SeatStatus.Available);
                (debits, wallet!.Balance).ShouldBe((0, 200_000));
            }
        }

        payments.Count(p => p.Context.Response.StatusCode == 201).ShouldBeGreaterThan(0);
    }
}
