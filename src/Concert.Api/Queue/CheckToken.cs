using Concert.Api.Infrastructure;
using Concert.Domain.Queue;
using Marten;
using Wolverine.Http;

namespace Concert.Api.Queue;

public static class CheckTokenEndpoint
{
    [WolverineGet("/waiting/check")]
    [Tags("Queue")]
    [EndpointSummary("The fan's place in line, whether they are admitted, and the estimated wait. Keeps a waiting token alive.")]
    [ProblemResponse(401, "TOKEN_EXPIRED", "The queue token is missing, unknown or expired.")]
    [ProblemResponse(401, "TOKEN_INVALID", "The queue token is not a token this service issues.")]
    public static async Task<IResult> Get(HttpContext context, IDocumentStore store, TimeProvider clock,
        QueueOptions options, CancellationToken cancellation)
    {
        var now = clock.GetUtcNow();
        await using var query = store.QuerySession();
        var (ticket, problem) = await QueueGate.LiveTicketAsync(query, context, now, cancellation);
        if (problem is not null) return TypedResults.Problem(problem);

        ticket = await QueueTokens.RenewIfDueAsync(store, ticket!, now, options.Times, cancellation);
        return (await QueueStatus.OfAsync(query, ticket, now, options, cancellation)).ToResult(context);
    }
}
