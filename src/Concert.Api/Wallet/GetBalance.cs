using Concert.Api.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace Concert.Api.Wallet;

public static class GetBalanceEndpoint
{
    [WolverineGet("/users/{userId}/amount")]
    [Tags("Wallet")]
    [EndpointSummary("The fan's balance in KRW; 0 for a fan never seen before. The token's own fan only.")]
    [ProblemResponse(400, ProblemCodes.InvalidUser, "userId must be a UUID other than the nil UUID.")]
    public static async Task<Results<Ok<BalanceView>, ProblemHttpResult>> Get(string userId, IDocumentStore store,
        CancellationToken cancellation)
    {
        if (!Users.TryParse(userId, out var fan)) return TypedResults.Problem(Users.InvalidProblem());
        await using var session = store.QuerySession();
        var wallet = await WalletStore.LoadAsync(session, fan, cancellation);
        return TypedResults.Ok(new BalanceView(fan, wallet.Balance));
    }
}
