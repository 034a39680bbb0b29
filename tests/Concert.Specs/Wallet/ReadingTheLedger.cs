using Alba;
using Concert.Api.Queue;
using Concert.Api.Reservations;
using Concert.Api.Wallet;
using Concert.Domain.Reservations;
using Concert.Specs.Support;

namespace Concert.Specs.Wallet;

/// <summary>A fan's own views: where their money went, and what they reserved.</summary>
[Collection(ConcertAppCollection.Name)]
public sealed class ReadingTheLedger(ConcertApp app)
{
    private IAlbaHost Host => app.Host;

    [Fact]
    public async Task the_ledger_lists_every_transaction_newest_first_with_the_balance_after_it()
    {
        var concert = await Host.OpenConcertWithNights("2027-08-01T19:00:00");
        var fan = await Host.NewAdmittedFan();
        await Host.Grant(fan.UserId, 50_000);
        await Host.Charge(fan, 20_000);
        var held = await (await Host.Hold(fan, concert, 40, expectedStatus: 201)).Read<ReservationView>();
        await Host.Pay(fan, held.ReservationId, held.Price);
        fan = await Host.Readmitted(fan);
        await Host.Refund(fan, held.ReservationId);

        var ledger = await Read<WalletTransactionPage>(fan, $"/users/{fan.UserId}/wallet/transactions");
        var second = await Read<WalletTransactionPage>(fan, $"/users/{fan.UserId}/wallet/transactions?page=1&size=2");

        ledger.Items.Select(t => (t.Type, t.Amount, t.BalanceAfter)).ShouldBe([
            (WalletTransactionType.Refund, 60_000L, 70_000L), (WalletTransactionType.Payment, 60_000L, 10_000L),
            (WalletTransactionType.Charge, 20_000L, 70_000L), (WalletTransactionType.Grant, 50_000L, 50_000L)]);
        ledger.Items[0].ReservationId.ShouldBe(held.ReservationId);
        second.Total.ShouldBe(4);
        second.Items.Select(t => t.Type).ShouldBe([WalletTransactionType.Charge, WalletTransactionType.Grant]);
        (await Host.Balance(fan)).ShouldBe(ledger.Items[0].BalanceAfter);
    }

    [Fact]
    public async Task a_fan_lists_their_reservations_newest_first_with_their_status_and_no_one_elses()
    {
        var concert = await Host.OpenConcertWithNights("2027-08-02T19:00:00");
        var (fan, other) = (await Host.NewAdmittedFan(), await Host.NewAdmittedFan());
        await Host.Grant(fan.UserId, 200_000);
        var released = await (await Host.Hold(fan, concert, 1, expectedStatus: 201)).Read<ReservationView>();
        await Host.Release(fan, released.ReservationId);
        var onHold = await (await Host.Hold(fan, concert, 2, expectedStatus: 201)).Read<ReservationView>();
        await Host.Hold(other, concert, 3, expectedStatus: 201);
        var paid = await (await Host.Hold(fan, concert, 4, expectedStatus: 201)).Read<ReservationView>();
        await Host.Pay(fan, paid.ReservationId, paid.Price);
        fan = await Host.Readmitted(fan);

        var mine = await Read<ReservationPage>(fan, $"/users/{fan.UserId}/reservations");
        var firstTwo = await Read<ReservationPage>(fan, $"/users/{fan.UserId}/reservations?size=2");

        mine.Items.Select(r => (r.ReservationId, r.Status)).ShouldBe([
            (paid.ReservationId, ReservationStatus.Confirmed), (onHold.ReservationId, ReservationStatus.OnHold),
            (released.ReservationId, ReservationStatus.Released)]);
        (firstTwo.Total, firstTwo.Items.Count).ShouldBe((3, 2));
        await (await Host.Scenario(s =>
        {
            s.Get.Url($"/users/{other.UserId}/reservations");
            s.WithRequestHeader(QueueGate.TokenHeader, fan.Token);
            s.StatusCodeShouldBe(403);
        })).ShouldBeProblem(403, "TOKEN_USER_MISMATCH");
    }

    private async Task<T> Read<T>(Fan fan, string url)
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url(url);
            s.WithRequestHeader(QueueGate.TokenHeader, fan.Token);
            s.StatusCodeShouldBe(200);
        });
        return await result.Read<T>();
    }
}
