using Concert.Api.Idempotency;
using Alba;
using Concert.Api.Infrastructure;
using Concert.Api.Queue;
using Concert.Api.Wallet;

namespace Concert.Specs.Support;

/// <summary>The wallet and payment steps a scenario takes, as a fan or as an operator.</summary>
public static class WalletSteps
{
    public static Task<IScenarioResult> Grant(this IAlbaHost host, Guid userId, long amount, int expectedStatus = 200) =>
        host.Scenario(s =>
        {
            s.Patch.Json(new { amount }).ToUrl($"/admin/users/{userId}/grant");
            s.WithRequestHeader(AdminKey.Header, SpecApp.AdminKey);
            s.StatusCodeShouldBe(expectedStatus);
        });

    public static Task<IScenarioResult> Charge(this IAlbaHost host, Fan fan, long amount, string? key = null,
        int? expectedStatus = 200, Guid? forUser = null) =>
        host.Scenario(s =>
        {
            s.Patch.Json(new { amount }).ToUrl($"/users/{forUser ?? fan.UserId}/charge");
            s.WithRequestHeader(QueueGate.TokenHeader, fan.Token);
            s.WithRequestHeader(IdempotencyKeys.KeyHeader, key ?? Guid.NewGuid().ToString());
            if (expectedStatus is { } status) s.StatusCodeShouldBe(status);
            else s.IgnoreStatusCode();
        });

    public static async Task<long> Balance(this IAlbaHost host, Fan fan)
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url($"/users/{fan.UserId}/amount");
            s.WithRequestHeader(QueueGate.TokenHeader, fan.Token);
            s.StatusCodeShouldBe(200);
        });
        var balance = await result.Read<BalanceView>();
        balance.UserId.ShouldBe(fan.UserId);
        return balance.Balance;
    }

    public static Task<IScenarioResult> Pay(this IAlbaHost host, Fan fan, long reservationId, long amount,
        string? key = null, int? expectedStatus = 201, string? token = null) =>
        host.Scenario(s =>
        {
            s.Post.Json(new { reservationId, amount }).ToUrl("/payments");
            s.WithRequestHeader(QueueGate.TokenHeader, token ?? fan.Token);
            s.WithRequestHeader(IdempotencyKeys.KeyHeader, key ?? Guid.NewGuid().ToString());
            if (expectedStatus is { } status) s.StatusCodeShouldBe(status);
            else s.IgnoreStatusCode();
        });
}
