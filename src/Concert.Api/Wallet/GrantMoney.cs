using Concert.Api.Infrastructure;
using Concert.Domain.Wallet;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Concert.Api.Wallet;

public static class GrantMoneyEndpoint
{
    public static ProblemDetails Validate(string userId, AmountRequest? request) => AmountRequest.Validate(userId, request);

    [WolverinePatch("/admin/users/{userId}/grant")]
    [ProducesResponseType<BalanceView>(StatusCodes.Status200OK)]
    [Tags("Admin")]
    [EndpointSummary("An operator's credit to a fan's wallet (e.g. a starting 50,000), outside the charge policy.")]
    [ProblemResponse(400, "INVALID_AMOUNT", "amount must be 1 to 1000000000000.")]
    [ProblemResponse(400, "INVALID_USER", "userId must be a UUID other than the nil UUID.")]
    public static async Task<IResult> Patch(string userId, AmountRequest request, IDocumentSession session,
        TimeProvider clock, CancellationToken cancellation)
    {
        var (stream, wallet) = await WalletStore.LockForWritingAsync(session, Guid.Parse(userId), cancellation);
        var (granted, refusal) = WalletRules.Grant(wallet, request.Amount!.Value, clock.GetUtcNow());
        if (refusal is not null) return Problems.Result(StatusCodes.Status400BadRequest, refusal.Code, refusal.Message);

        stream.AppendOne(granted!);
        return TypedResults.Ok(new BalanceView(wallet.UserId, wallet.Apply(granted!).Balance));
    }
}
