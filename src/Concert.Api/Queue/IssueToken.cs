using System.Text.Json;
using Concert.Api.Infrastructure;
using Concert.Domain.Queue;
using Marten;
using Wolverine.Http;

namespace Concert.Api.Queue;

public sealed record IssueTokenRequest(JsonElement UserId);

public static class IssueTokenEndpoint
{
    [WolverinePost("/waiting/issue")]
    [Tags("Queue")]
    [EndpointSummary("Take a place in the waiting line, or get back the live token this fan already holds.")]
    [ProblemResponse(400, "INVALID_USER", "userId must be a UUID other than the nil UUID.")]
    public static async Task<IResult> Post(IssueTokenRequest? request, HttpContext context, IDocumentStore store,
        LineView lineView, TimeProvider clock, QueueOptions options, CancellationToken cancellation)
    {
        if (!Users.TryRead(request?.UserId, out var userId)) return Users.Invalid();

        var ticket = await store.DecideAndCommitAsync(async session =>
        {
            // One fan's requests take turns, so a fan asking twice at once takes no second place in line.
            await session.BeginTransactionAsync(cancellation);
            await Locks.TakeAsync(session, QueueTicket.StreamKey(userId), cancellation);
            var now = clock.GetUtcNow();
            var stream = await session.Events.FetchForWriting<QueueTicket>(QueueTicket.StreamKey(userId), cancellation);
            if (WaitingLine.HoldsLiveToken(stream.Aggregate, now))
            {
                // Asking again is a sign of life, like a check.
                var current = stream.Aggregate!;
                if (WaitingLine.Renew(current, now, options.Times) is not { } renewal) return current;
                stream.AppendOne(renewal);
                return current.Apply(renewal);
            }

            var issued = WaitingLine.Issue(userId, QueueTokens.New(), await QueueStore.NextSeqAsync(session, cancellation),
                now, options.Times);
            stream.AppendOne(issued);
            return QueueTicket.Create(issued);
        }, cancellation);

        var now = clock.GetUtcNow();
        var (line, control) = await lineView.CurrentAsync(cancellation);
        await using var query = store.QuerySession();
        var position = await line.PositionOfAsync(query, ticket, now, cancellation);
        return QueueStatus.Of(ticket, position, line, control, now, options).ToResult(context);
    }
}
