using Concert.Api.Idempotency;
using Alba;
using Concert.Api.Catalog;
using Concert.Api.Infrastructure;
using Concert.Api.Payments;
using Concert.Api.Queue;
using Concert.Api.Reservations;
using Concert.Domain.Catalog;
using Concert.Domain.Payments;
using Concert.Domain.Reservations;
using Concert.Domain.Wallet;
using Concert.Specs.Support;
using Marten;

namespace Concert.Specs.Payments;

[Collection(ConcertAppCollection.Name)]
public sealed class PayingForSeats(ConcertApp app)
{
    private IAlbaHost Host => app.Host;

    [Fact]
    public async Task the_seeds_example_a_grant_a_charge_and_a_payment_leave_20000()
    {
        var concert = await Host.OpenConcertWithNights("2027-05-01T19:00:00");
        var fan = await Host.NewAdmittedFan();
        await Host.Grant(fan.UserId, 50_000);
        await Host.Charge(fan, 50_000);
        (await Host.Balance(fan)).ShouldBe(100_000);
        var held = await HoldAsync(fan, concert, 20);
        held.Price.ShouldBe(80_000);

        var result = await Host.Pay(fan, held.ReservationId, 80_000);

        result.Context.Response.Headers[IdempotencyKeys.StatusHeader].ToString().ShouldBe("CREATED");
        var receipt = await result.Read<PaymentReceipt>();
        receipt.PaymentId.ShouldBeGreaterThanOrEqualTo(1);
        receipt.ShouldBe(new PaymentReceipt(receipt.PaymentId, held.ReservationId, fan.UserId, 80_000, receipt.PaidAt,
            BalanceAfter: 20_000, SeatStatus: "CONFIRMED", QueueTokenExpired: true));
        receipt.PaidAt.ShouldBeInRange(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);

        var again = await Host.Readmitted(fan);
        (await Host.Balance(again)).ShouldBe(20_000);
        var reservation = await (await Host.GetReservation(again, held.ReservationId.ToString(), 200)).Read<ReservationView>();
        (reservation.Status, reservation.PaymentId).ShouldBe((ReservationStatus.Confirmed, receipt.PaymentId));
        (await app.SeatMap(concert.ConcertId, held.ScheduleId)).Seats[19].Status.ShouldBe(SeatStatus.Reserved);
    }

    [Fact]
    public async Task the_payment_ends_the_payers_queue_token()
    {
        var concert = await Host.OpenConcertWithNights("2027-05-02T19:00:00");
        var fan = await RichFan();
        var held = await HoldAsync(fan, concert, 40);

        await Host.Pay(fan, held.ReservationId, held.Price);

        var check = await Host.Scenario(s =>
        {
            s.Get.Url("/waiting/check");
            s.WithRequestHeader(QueueGate.TokenHeader, fan.Token);
            s.StatusCodeShouldBe(401);
        });
        await check.ShouldBeProblem(401, "TOKEN_EXPIRED");
        await (await Host.Charge(fan, 1_000, expectedStatus: 401)).ShouldBeProblem(401, "TOKEN_EXPIRED");
    }

    [Fact]
    public async Task a_payment_retried_after_its_answer_was_lost_replays_the_201_although_the_token_has_ended()
    {
        var concert = await Host.OpenConcertWithNights("2027-05-03T19:00:00");
        var fan = await RichFan();
        var held = await HoldAsync(fan, concert, 41);
        var first = await Host.Pay(fan, held.ReservationId, held.Price, key: "pay-41");

        var replay = await Host.Pay(fan, held.ReservationId, held.Price, key: "pay-41");

        replay.Context.Response.Headers[IdempotencyKeys.StatusHeader].ToString().ShouldBe("REPLAYED");
        (await replay.ReadAsTextAsync()).ShouldBe(await first.ReadAsTextAsync());
        (await Host.Balance(await Host.Readmitted(fan))).ShouldBe(1_000_000 - held.Price);
    }

    [Fact]
    public async Task a_payment_replayed_with_its_token_after_the_fan_took_a_new_one_still_replays_but_new_requests_get_401()
    {
        var concert = await Host.OpenConcertWithNights("2027-05-10T19:00:00");
        var fan = await RichFan();
        var held = await HoldAsync(fan, concert, 42);
        var first = await Host.Pay(fan, held.ReservationId, held.Price, key: "pay-42");
        var again = await Host.Readmitted(fan);
        again.Token.ShouldNotBe(fan.Token);

        var replay = await Host.Pay(fan, held.ReservationId, held.Price, key: "pay-42");

        replay.Context.Response.Headers[IdempotencyKeys.StatusHeader].ToString().ShouldBe("REPLAYED");
        (await replay.ReadAsTextAsync()).ShouldBe(await first.ReadAsTextAsync());
        await (await Host.Charge(fan, 1_000, key: "new-with-old-token", expectedStatus: 401)).ShouldBeProblem(401, "TOKEN_EXPIRED");
        (await Host.Balance(again)).ShouldBe(1_000_000 - held.Price);
    }

    [Fact]
    public async Task an_amount_other_than_the_price_gets_400_and_changes_nothing()
    {
        var concert = await Host.OpenConcertWithNights("2027-05-04T19:00:00");
        var fan = await RichFan();
        var held = await HoldAsync(fan, concert, 5);

        await (await Host.Pay(fan, held.ReservationId, held.Price - 1, expectedStatus: 400)).ShouldBeProblem(400, "AMOUNT_MISMATCH");

        (await Host.Balance(fan)).ShouldBe(1_000_000);
        (await (await Host.GetReservation(fan, held.ReservationId.ToString(), 200)).Read<ReservationView>()).Status
            .ShouldBe(ReservationStatus.OnHold);
    }

    [Fact]
    public async Task a_balance_short_of_the_price_gets_402_and_changes_nothing()
    {
        var concert = await Host.OpenConcertWithNights("2027-05-05T19:00:00");
        var fan = await Host.NewAdmittedFan();
        await Host.Charge(fan, 109_999);
        var held = await HoldAsync(fan, concert, 1);

        await (await Host.Pay(fan, held.ReservationId, 110_000, expectedStatus: 402)).ShouldBeProblem(402, "INSUFFICIENT_BALANCE");

        (await Host.Balance(fan)).ShouldBe(109_999);
        (await app.SeatMap(concert.ConcertId, held.ScheduleId)).Seats[0].Status.ShouldBe(SeatStatus.TempReserved);
    }

    [Fact]
    public async Task an_unknown_reservation_or_another_fans_gets_404()
    {
        var concert = await Host.OpenConcertWithNights("2027-05-06T19:00:00");
        var owner = await RichFan();
        var held = await HoldAsync(owner, concert, 6);
        var other = await RichFan();

        await (await Host.Pay(other, held.ReservationId, held.Price, expectedStatus: 404)).ShouldBeProblem(404, "RESERVATION_NOT_FOUND");
        await (await Host.Pay(other, 999_999_999, 60_000, expectedStatus: 404)).ShouldBeProblem(404, "RESERVATION_NOT_FOUND");

        (await Host.Balance(other)).ShouldBe(1_000_000);
    }

    [Fact]
    public async Task a_paid_reservation_paid_again_with_another_key_gets_409()
    {
        var concert = await Host.OpenConcertWithNights("2027-05-07T19:00:00");
        var fan = await RichFan();
        var held = await HoldAsync(fan, concert, 7);
        await Host.Pay(fan, held.ReservationId, held.Price);
        var again = await Host.Readmitted(fan);

        await (await Host.Pay(again, held.ReservationId, held.Price, expectedStatus: 409)).ShouldBeProblem(409, "ALREADY_CONFIRMED");

        (await Host.Balance(again)).ShouldBe(1_000_000 - held.Price);
    }

    [Fact]
    public async Task a_payment_without_a_reservation_or_a_key_gets_400()
    {
        var fan = await Host.NewAdmittedFan();
        var noKey = await Host.Scenario(s =>
        {
            s.Post.Json(new { reservationId = 1, amount = 60_000 }).ToUrl("/payments");
            s.WithRequestHeader(QueueGate.TokenHeader, fan.Token);
            s.StatusCodeShouldBe(400);
        });

        await noKey.ShouldBeProblem(400, "IDEMPOTENCY_KEY_REQUIRED");
        var problem = await Host.Scenario(s =>
        {
            s.Post.Json(new { amount = 60_000 }).ToUrl("/payments");
            s.WithRequestHeader(QueueGate.TokenHeader, fan.Token);
            s.WithRequestHeader(IdempotencyKeys.KeyHeader, "no-reservation");
            s.StatusCodeShouldBe(400);
        });
        (await problem.ShouldBeProblem(400, "INVALID_REQUEST"))["errors"]!["reservationId"].ShouldNotBeNull();
    }

    [Fact]
    public async Task two_payments_of_one_reservation_at_once_debit_once()
    {
        var concert = await Host.OpenConcertWithNights("2027-05-08T19:00:00");
        var fan = await RichFan();
        var held = await HoldAsync(fan, concert, 8);

        var results = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(_ => Host.Pay(fan, held.ReservationId, held.Price, expectedStatus: null)));

        var statuses = results.Select(r => r.Context.Response.StatusCode).ToList();
        statuses.Count(status => status == 201).ShouldBe(1);
        statuses.ShouldAllBe(status => status == 201 || status == 409 || status == 401);
        var again = await Host.Readmitted(fan);
        (await Host.Balance(again)).ShouldBe(1_000_000 - held.Price);
        (await Host.EventsOf(Reservation.StreamKey(held.ReservationId))).OfType<PaymentConfirmed>().ShouldHaveSingleItem();
    }

    [Fact]
    public async Task one_payment_sent_many_times_at_once_with_one_key_runs_once()
    {
        var concert = await Host.OpenConcertWithNights("2027-05-11T19:00:00");
        var fan = await RichFan();
        var held = await HoldAsync(fan, concert, 43);

        var results = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(_ => Task.Run(() => Host.Pay(fan, held.ReservationId, held.Price, key: "pay-43", expectedStatus: null))));

        results.Count(r => r.Context.Response.Headers[IdempotencyKeys.StatusHeader] == "CREATED").ShouldBe(1);
        foreach (var other in results.Where(r => r.Context.Response.Headers[IdempotencyKeys.StatusHeader] != "CREATED"))
        {
            if (other.Context.Response.StatusCode == 409) await other.ShouldBeProblem(409, "IDEMPOTENCY_KEY_IN_FLIGHT");
            else other.Context.Response.Headers[IdempotencyKeys.StatusHeader].ToString().ShouldBe("REPLAYED");
        }

        (await Host.EventsOf(FanWallet.StreamKey(fan.UserId))).OfType<WalletDebited>().ShouldHaveSingleItem();
    }

    [Fact]
    public async Task concurrent_payments_of_one_fans_reservations_never_overdraw()
    {
        var concert = await Host.OpenConcertWithNights("2027-05-09T19:00:00");
        var fan = await Host.NewAdmittedFan();
        await Host.Charge(fan, 150_000);
        var holds = new List<ReservationView>();
        for (var seat = 31; seat <= 36; seat++) holds.Add(await HoldAsync(fan, concert, seat));

        var results = await Task.WhenAll(holds.Select(held =>
            Host.Pay(fan, held.ReservationId, held.Price, expectedStatus: null)));

        var paid = results.Count(r => r.Context.Response.StatusCode == 201);
        paid.ShouldBeInRange(1, 2);
        results.Select(r => r.Context.Response.StatusCode).ShouldAllBe(status => status == 201 || status == 402 || status == 401);
        var balance = await Host.Balance(await Host.Readmitted(fan));
        balance.ShouldBe(150_000 - paid * 60_000);
        var debits = (await Host.EventsOf(FanWallet.StreamKey(fan.UserId))).OfType<WalletDebited>();
        debits.Count().ShouldBe(paid);
    }

    private async Task<Fan> RichFan()
    {
        var fan = await Host.NewAdmittedFan();
        await Host.Charge(fan, 1_000_000);
        return fan;
    }

    private async Task<ReservationView> HoldAsync(Fan fan, ConcertCreatedResponse concert, int seat) =>
        await (await Host.Hold(fan, concert, seat, expectedStatus: 201)).Read<ReservationView>();
}
