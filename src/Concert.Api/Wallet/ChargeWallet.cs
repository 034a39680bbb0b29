using Concert.Api.Idempotency;
using Concert.Api.Infrastructure;
using Concert.Domain.Wallet;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Concert.Api.Wallet;

/// <param name="Charged">The amount this charge added.</param>
public sealed record ChargeReceipt(Guid UserId, long Balance, long Charged);

public static class ChargeWalletEndpoint
{
    public static ProblemDetails Validate(string userId, AmountRequest? request) => AmountRequest.Validate(userId, request);

    public static Task<LockedWallet> LoadAsync(string userId, IDocumentSession session, CancellationToken cancellation) =>
        WalletStore.LockForWritingAsync(session, Guid.Parse(userId), cancellation);

    [WolverinePatch("/users/{userId}/charge")]
    [ProducesResponseType<ChargeReceipt>(StatusCodes.Status200OK)]
    [Tags("Wallet")]
    [Idempotent]
    [EndpointSummary("Top up the fan's wallet, within Wallet:MinCharge/MaxCharge, the monthly limit and the maximum balance.")]
    [ProblemResponse(400, ProblemCodes.InvalidAmount, "amount must be 1000 to 1000000.")]
    [ProblemResponse(400, ProblemCodes.MonthlyLimitExceeded, "Charges of 2026-11 would pass the monthly limit of 3000000.")]
    [ProblemResponse(400, ProblemCodes.BalanceLimitExceeded, "The balance would pass the limit of 10000000.")]
    [ProblemResponse(400, ProblemCodes.InvalidUser, "userId must be a UUID other than the nil UUID.")]
    public static IResult Patch(AmountRequest request, LockedWallet locked, WalletOptions options, TimeProvider clock)
    {
        var (now, wallet) = (clock.GetUtcNow(), locked.Wallet);
        var month = options.MonthOf(now);
        return WalletRules.Charge(wallet, request.Amount!.Value, month, now, options.Policy).Match(
            charged =>
            {
                locked.Stream.AppendOne(charged);
                return TypedResults.Ok(new ChargeReceipt(wallet.UserId, wallet.Apply(charged).Balance, charged.Amount));
            },
            reason => reason switch
            {
                ChargeRefusal.AmountOutOfRange => Problems.Result(StatusCodes.Status400BadRequest,
                    ProblemCodes.InvalidAmount, $"amount must be {options.MinCharge} to {options.MaxCharge}."),
                ChargeRefusal.MonthlyLimitExceeded => Problems.Result(StatusCodes.Status400BadRequest,
                    ProblemCodes.MonthlyLimitExceeded,
                    $"Charges of {month} would pass the monthly limit of {options.MonthlyLimit} ({wallet.ChargedIn(month)} charged so far)."),
                ChargeRefusal.BalanceLimitExceeded => Problems.Result(StatusCodes.Status400BadRequest,
                    ProblemCodes.BalanceLimitExceeded, $"The balance would pass the limit of {options.MaxBalance} (balance {wallet.Balance})."),
            });
    }
}
