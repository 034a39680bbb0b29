using Concert.Api.Infrastructure;
using Concert.Domain.Wallet;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Concert.Api.Wallet;

public static class GrantMoneyEndpoint
{
    public static ProblemDetails Validate(string userId, AmountRequest? request) => AmountRequest.Validate(userId, request);

    public static Task<LockedWallet> LoadAsync(string userId, IDocumentSession session, CancellationToken cancellation) =>
        WalletStore.LockForWritingAsync(session, Guid.Parse(userId), cancellation);

    [WolverinePatch("/admin/users/{userId}/grant")]
    [ProducesResponseType<BalanceView>(StatusCodes.Status200OK)]
    [Tags("Admin")]
    [EndpointSummary("An operator's credit to a fan's wallet (e.g. a starting 50,000), outside the charge policy.")]
    [ProblemResponse(400, ProblemCodes.InvalidAmount, "amount must be 1 to 1000000000000.")]
    [ProblemResponse(400, ProblemCodes.InvalidUser, "userId must be a UUID other than the nil UUID.")]
    public static IResult Patch(AmountRequest request, LockedWallet locked, TimeProvider clock) =>
        WalletRules.Grant(locked.Wallet, request.Amount!.Value, clock.GetUtcNow()).Match(
            granted =>
            {
                locked.Stream.AppendOne(granted);
                return TypedResults.Ok(new BalanceView(locked.Wallet.UserId, locked.Wallet.Apply(granted).Balance));
            },
            reason => reason switch
            {
                GrantRefusal.AmountOutOfRange => Problems.Result(StatusCodes.Status400BadRequest, ProblemCodes.InvalidAmount,
                    $"amount must be 1 to {WalletRules.MaxGrant}."),
            });
}
