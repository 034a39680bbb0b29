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

    [WolverinePatch("/users/{userId}/charge")]
    [ProducesResponseType<ChargeReceipt>(StatusCodes.Status200OK)]
    [Tags("Wallet")]
    [Idempotent]
    [EndpointSummary("Top up the fan's wallet, within Wallet:MinCharge/MaxCharge, the monthly limit and the maximum balance.")]
    [ProblemResponse(400, "INVALID_AMOUNT", "amount must be 1000 to 1000000.")]
    [ProblemResponse(400, "MONTHLY_LIMIT_EXCEEDED", "Charges of 2026-11 would pass the monthly limit of 3000000.")]
    [ProblemResponse(400, "BALANCE_LIMIT_EXCEEDED", "The balance would pass the limit of 10000000.")]
    [ProblemResponse(400, "INVALID_USER", "userId must be a UUID other than the nil UUID.")]
    public static async Task<IResult> Patch(string userId, AmountRequest request, HttpContext context,
        IDocumentSession session, WalletOptions options, TimeProvider clock, CancellationToken cancellation)
    {
        var now = clock.GetUtcNow();
        var (stream, wallet) = await WalletStore.LockForWritingAsync(session, Guid.Parse(userId), cancellation);
        var (charged, refusal) = WalletRules.Charge(wallet, request.Amount!.Value, options.MonthOf(now), now, options.Policy);
        if (refusal is not null)
        {
            return IdempotencyClaim.Refuse(session, context, StatusCodes.Status400BadRequest, refusal.Code, refusal.Message);
        }

        stream.AppendOne(charged!);
        var receipt = new ChargeReceipt(wallet.UserId, wallet.Apply(charged!).Balance, charged!.Amount);
        context.Features.Get<IdempotencyClaim>()?.Record(session, context, StatusCodes.Status200OK, receipt);
        return TypedResults.Ok(receipt);
    }
}
