using Concert.Api.Infrastructure;
using Concert.Domain.Queue;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Concert.Api.Queue;

public static class CheckTokenEndpoint
{
    /// <summary>
    /// A waiting fan known to this node is answered from memory: the token's signature, this node's copy of the line,
    /// and its note of the fan's presence; no database round trip and no write (the sign of life is written in bulk
    /// later, see <see cref="PresenceBook"/>). Anyone else (an admitted fan, a token this node has not seen or cannot
    /// verify, one near its lapse, one the line's copy says has left) is answered from the database's truth.
    /// </summary>
    [WolverineGet("/waiting/check")]
    [Tags("Queue")]
    [EndpointSummary("The fan's place in line, whether they are admitted, and the estimated wait. Keeps a waiting token alive.")]
    [ProducesResponseType<QueueStatus>(StatusCodes.Status200OK)]
    [ResponseHeader(200, QueueStatus.PositionHeader, "The fan's position: 0 when admitted, 1 for the next to be admitted.", isInteger: true)]
    [ResponseHeader(200, "Retry-After", "Seconds to wait before checking again: pollAfterSeconds.", isInteger: true)]
    [ProblemResponse(401, ProblemCodes.TokenExpired, "The queue token is missing, unknown or expired.")]
    [ProblemResponse(401, ProblemCodes.TokenInvalid, "The queue token is not a token this service issues.")]
    public static async Task<IResult> Get(HttpContext context, QueueTokens tokens, LineView lineView, PresenceBook presence,
        DrawnPlaces drawn, IDocumentStore store, TimeProvider clock, QueueOptions options, CancellationToken cancellation)
    {
        var token = QueueGate.TokenOf(context);
        if (token.Length == 0) return TypedResults.Problem(QueueGate.ExpiredToken());
        var reading = tokens.Read(token, out var fan);
        if (reading == TokenReading.Invalid) return TypedResults.Problem(QueueGate.InvalidToken());

        var now = clock.GetUtcNow();
        var line = await lineView.CurrentAsync(cancellation);
        if (reading == TokenReading.Verified)
        {
            if (fan.Seq < 0 && line.Control.HasPreQueue && presence.TrySee(fan, now))
            {
                return QueueStatus.InPreQueue(token, fan.UserId, line, now, options).ToResult(context);
            }

            var placed = drawn.Placed(fan);
            if (placed.Seq > 0 && line.Line.Places.MayBeWaiting(placed.Seq) && presence.TrySee(placed, now))
            {
                return QueueStatus.Waiting(token, fan.UserId, placed.Seq, line, presence, now, options).ToResult(context);
            }
        }

        await using var query = store.QuerySession();
        var (ticket, refused) = QueueGate.LiveOrRefused(await QueueStore.TicketByTokenAsync(query, token, cancellation), now);
        if (refused is not null) return TypedResults.Problem(refused);
        if (ticket!.StatusAt(now) == TicketStatus.Active) return QueueStatus.Admitted(ticket, options).ToResult(context);

        await presence.SawAsync(ticket, now, cancellation);
        if (ticket.InPreQueue)
        {
            return QueueStatus.InPreQueue(token, ticket.UserId, await lineView.ForPreQueueAsync(cancellation), now, options).ToResult(context);
        }

        if (reading == TokenReading.Verified) drawn.Learn(fan, ticket.Seq);
        return QueueStatus.Waiting(token, ticket.UserId, ticket.Seq, line, presence, now, options).ToResult(context);
    }
}
