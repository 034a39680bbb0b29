using Concert.Api.Idempotency;
using Alba;
using Concert.Api.Infrastructure;
using Concert.Api.Wallet;
using Concert.Domain.Wallet;
using Concert.Specs.Support;
using Marten;

namespace Concert.Specs.Wallet;

[Collection(ConcertAppCollection.Name)]
public sealed class ChargingTheWallet(ConcertApp app)
{
    private IAlbaHost Host => app.Host;

    [Fact]
    public async Task a_fan_never_seen_before_has_a_balance_of_zero()
    {
        var fan = await Host.NewAdmittedFan();

        (await Host.Balance(fan)).ShouldBe(0);
    }

    [Fact]
    public async Task a_granted_fan_charges_and_the_balance_grows_by_the_charge()
    {
        var fan = await Host.NewAdmittedFan();
        var granted = await (await Host.Grant(fan.UserId, 50_000)).Read<BalanceView>();
        granted.ShouldBe(new BalanceView(fan.UserId, 50_000));

        var result = await Host.Charge(fan, 50_000);

        (await result.Read<ChargeReceipt>()).ShouldBe(new ChargeReceipt(fan.UserId, 100_000, 50_000));
        result.Context.Response.Headers[IdempotencyKeys.StatusHeader].ToString().ShouldBe("CREATED");
        (await Host.Balance(fan)).ShouldBe(100_000);
    }

    [Theory]
    [InlineData(999)]
    [InlineData(1_000_001)]
    [InlineData(0)]
    [InlineData(-1_000)]
    public async Task an_amount_outside_the_charge_limits_gets_400_and_changes_nothing(long amount)
    {
        var fan = await Host.NewAdmittedFan();

        await (await Host.Charge(fan, amount, expectedStatus: 400)).ShouldBeProblem(400, "INVALID_AMOUNT");

        (await Host.Balance(fan)).ShouldBe(0);
    }

    [Fact]
    public async Task a_charge_without_an_amount_gets_400()
    {
        var fan = await Host.NewAdmittedFan();

        var result = await Host.Scenario(s =>
        {
            s.Patch.Json(new { }).ToUrl($"/users/{fan.UserId}/charge");
            s.WithRequestHeader(Api.Queue.QueueGate.TokenHeader, fan.Token);
            s.WithRequestHeader(IdempotencyKeys.KeyHeader, "no-amount");
            s.StatusCodeShouldBe(400);
        });

        await result.ShouldBeProblem(400, "INVALID_AMOUNT");
    }

    [Fact]
    public async Task charges_past_the_monthly_limit_get_400_and_change_nothing()
    {
        var fan = await Host.NewAdmittedFan();
        for (var i = 0; i < 3; i++) await Host.Charge(fan, 1_000_000);

        await (await Host.Charge(fan, 1_000, expectedStatus: 400)).ShouldBeProblem(400, "MONTHLY_LIMIT_EXCEEDED");

        (await Host.Balance(fan)).ShouldBe(3_000_000);
    }

    [Fact]
    public async Task a_charge_past_the_maximum_balance_gets_400_but_a_grant_is_outside_the_policy()
    {
        var fan = await Host.NewAdmittedFan();
        await Host.Grant(fan.UserId, 9_500_000);
        await Host.Grant(fan.UserId, 1_000_000);

        await (await Host.Charge(fan, 1_000, expectedStatus: 400)).ShouldBeProblem(400, "BALANCE_LIMIT_EXCEEDED");

        (await Host.Balance(fan)).ShouldBe(10_500_000);
    }

    [Fact]
    public async Task a_fan_cannot_read_or_charge_another_fans_wallet()
    {
        var fan = await Host.NewAdmittedFan();
        var other = await Host.NewAdmittedFan();

        await (await Host.Charge(fan, 5_000, expectedStatus: 403, forUser: other.UserId)).ShouldBeProblem(403, "TOKEN_USER_MISMATCH");
        var read = await Host.Scenario(s =>
        {
            s.Get.Url($"/users/{other.UserId}/amount");
            s.WithRequestHeader(Api.Queue.QueueGate.TokenHeader, fan.Token);
            s.StatusCodeShouldBe(403);
        });

        await read.ShouldBeProblem(403, "TOKEN_USER_MISMATCH");
        (await Host.Balance(other)).ShouldBe(0);
    }

    [Fact]
    public async Task a_fans_own_key_on_another_fans_wallet_gets_403_not_the_fans_replay()
    {
        var fan = await Host.NewAdmittedFan();
        var other = await Host.NewAdmittedFan();
        await Host.Charge(fan, 5_000, key: "mine");

        var across = await Host.Charge(fan, 5_000, key: "mine", expectedStatus: 403, forUser: other.UserId);

        await across.ShouldBeProblem(403, "TOKEN_USER_MISMATCH");
        across.Context.Response.Headers.ContainsKey(IdempotencyKeys.StatusHeader).ShouldBeFalse();
        (await Host.Balance(fan)).ShouldBe(5_000);
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    public async Task a_wallet_of_an_invalid_user_id_gets_400(string userId)
    {
        var read = await Host.Scenario(s =>
        {
            s.Get.Url($"/users/{userId}/amount");
            s.WithRequestHeader(Api.Queue.QueueGate.TokenHeader, app.FanToken);
            s.StatusCodeShouldBe(400);
        });
        var grant = await Host.Scenario(s =>
        {
            s.Patch.Json(new { amount = 1_000 }).ToUrl($"/admin/users/{userId}/grant");
            s.WithRequestHeader(AdminKey.Header, SpecApp.AdminKey);
            s.StatusCodeShouldBe(400);
        });

        await read.ShouldBeProblem(400, "INVALID_USER");
        await grant.ShouldBeProblem(400, "INVALID_USER");
    }

    [Fact]
    public async Task the_wallet_without_a_live_token_gets_401()
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url($"/users/{Guid.NewGuid()}/amount");
            s.StatusCodeShouldBe(401);
        });

        await result.ShouldBeProblem(401, "TOKEN_EXPIRED");
    }

    [Fact]
    public async Task a_charge_without_an_idempotency_key_gets_400()
    {
        var fan = await Host.NewAdmittedFan();

        var result = await Host.Scenario(s =>
        {
            s.Patch.Json(new { amount = 5_000 }).ToUrl($"/users/{fan.UserId}/charge");
            s.WithRequestHeader(Api.Queue.QueueGate.TokenHeader, fan.Token);
            s.StatusCodeShouldBe(400);
        });

        await result.ShouldBeProblem(400, "IDEMPOTENCY_KEY_REQUIRED");
        (await Host.Balance(fan)).ShouldBe(0);
    }

    [Fact]
    public async Task a_replayed_charge_returns_the_first_answer_and_charges_once()
    {
        var fan = await Host.NewAdmittedFan();
        var first = await Host.Charge(fan, 7_000, key: "top-up");

        var replay = await Host.Charge(fan, 7_000, key: "top-up");

        replay.Context.Response.Headers[IdempotencyKeys.StatusHeader].ToString().ShouldBe("REPLAYED");
        (await replay.ReadAsTextAsync()).ShouldBe(await first.ReadAsTextAsync());
        (await Host.Balance(fan)).ShouldBe(7_000);
    }

    [Fact]
    public async Task a_refused_charge_is_replayed_as_refused()
    {
        var fan = await Host.NewAdmittedFan();
        await Host.Charge(fan, 500, key: "too-little", expectedStatus: 400);

        var replay = await Host.Charge(fan, 500, key: "too-little", expectedStatus: 400);

        replay.Context.Response.Headers[IdempotencyKeys.StatusHeader].ToString().ShouldBe("REPLAYED");
        await replay.ShouldBeProblem(400, "INVALID_AMOUNT");
    }

    [Fact]
    public async Task the_same_key_with_another_amount_gets_422()
    {
        var fan = await Host.NewAdmittedFan();
        await Host.Charge(fan, 7_000, key: "top-up");

        await (await Host.Charge(fan, 8_000, key: "top-up", expectedStatus: 422)).ShouldBeProblem(422, "IDEMPOTENCY_KEY_REUSED");

        (await Host.Balance(fan)).ShouldBe(7_000);
    }

    [Fact]
    public async Task concurrent_charges_of_one_wallet_all_land_exactly()
    {
        var fan = await Host.NewAdmittedFan();

        var results = await Task.WhenAll(Enumerable.Range(1, 30).Select(i => Host.Charge(fan, 1_000 + i, expectedStatus: null)));

        results.Select(r => r.Context.Response.StatusCode).ShouldAllBe(status => status == 200);
        var expected = Enumerable.Range(1, 30).Sum(i => 1_000L + i);
        (await Host.Balance(fan)).ShouldBe(expected);
        (await SumOfWalletEvents(fan.UserId)).ShouldBe(expected);
    }

    [Fact]
    public async Task a_grant_needs_the_admin_key_and_a_positive_amount()
    {
        var userId = Guid.NewGuid();
        var withoutKey = await Host.Scenario(s =>
        {
            s.Patch.Json(new { amount = 1_000 }).ToUrl($"/admin/users/{userId}/grant");
            s.StatusCodeShouldBe(401);
        });

        await withoutKey.ShouldBeProblem(401, "ADMIN_KEY_INVALID");
        await (await Host.Grant(userId, 0, expectedStatus: 400)).ShouldBeProblem(400, "INVALID_AMOUNT");
        (await (await Host.Grant(userId, 1)).Read<BalanceView>()).Balance.ShouldBe(1);
    }

    private async Task<long> SumOfWalletEvents(Guid userId)
    {
        var events = await Host.EventsOf(FanWallet.StreamKey(userId));
        return events.Sum(data => data switch
        {
            WalletCharged charged => charged.Amount,
            WalletGranted granted => granted.Amount,
            WalletDebited debited => -debited.Amount,
            _ => 0,
        });
    }
}
