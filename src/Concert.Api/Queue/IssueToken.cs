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
            var now = clock.GetUtcNow();
            await Transactions.BeginAsync(session);
            var (current, seq) = await QueueStore.TakeTurnToIssueAsync(session, userId, now, cancellation);
            if (WaitingLine.HoldsLiveToken(current, now))
            {
                // Asking again is a sign of life, like a check.
                if (WaitingLine.Renew(current!, now, options.Times) is not { } renewal) return current!;
                var live = await session.Events.FetchForWriting<QueueTicket>(current!.Id, cancellation);
                live.AppendOne(renewal);
                return live.Aggregate!.Apply(renewal);
            }

            var issued = WaitingLine.Issue(userId, QueueTokens.New(), seq!.Value, now, options.Times);
            if (current is null)
            {
                session.Events.StartStream<QueueTicket>(QueueTicket.StreamKey(userId), issued);
            }
            else
            {
                (await session.Events.FetchForWriting<QueueTicket>(current.Id, cancellation)).AppendOne(issued);
            }

            return QueueTicket.Create(issued);
        }, cancellation);

        var now = clock.GetUtcNow();
        var (line, control) = await lineView.CurrentAsync(cancellation);
        await using var query = store.QuerySession();
        var position = await line.PositionOfAsync(query, ticket, now, cancellation);
        return QueueStatus.Of(ticket, position, line, control, now, options).ToResult(context);
    }
}
