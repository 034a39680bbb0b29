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
    public static async Task<IResult> Get(HttpContext context, IDocumentStore store, LineView lineView, TimeProvider clock,
        QueueOptions options, CancellationToken cancellation)
    {
        var token = QueueGate.TokenOf(context);
        if (QueueGate.MalformedToken(token) is { } malformed) return TypedResults.Problem(malformed);

        var now = clock.GetUtcNow();
        await using var query = store.QuerySession();
        var (found, aheadInBucket) = token.Length == 0
            ? (null, 0)
            : await QueueStore.TicketAndWaitersAheadAsync(query, token, now, cancellation);
        var (ticket, refused) = QueueGate.LiveOrRefused(found, now);
        if (refused is not null) return TypedResults.Problem(refused);

        ticket = await QueueTokens.RenewIfDueAsync(store, ticket!, now, options.Times, cancellation);
        var (line, control) = await lineView.CurrentAsync(cancellation);
        return QueueStatus.Of(ticket, line.Position(ticket, now, aheadInBucket), line, control, now, options).ToResult(context);
    }
}
