using System.Globalization;
using Concert.Domain.Queue;

namespace Concert.Api.Queue;

/// <summary>What a fan learns about their place: the body of POST /waiting/issue and GET /waiting/check.</summary>
/// <param name="PollAfterSeconds">When to check again (also Retry-After): longer the further back the fan stands.</param>
public sealed record QueueStatus(string Token, Guid UserId, long Position, bool Active, long EtaSeconds, DateTimeOffset ExpiresAt,
    int PollAfterSeconds)
{
    public const string PositionHeader = "X-Queue-Position";

    /// <summary>
    /// A fan still waiting at <paramref name="seq"/>: their position by this node's copy of the line, never more than the
    /// node told them before; their token lives WaitingTtl past this sign of life.
    /// </summary>
    public static QueueStatus Waiting(string token, Guid userId, long seq, LineReading line, PresenceBook presence,
        DateTimeOffset now, QueueOptions options)
    {
        var position = presence.Tell(seq, line.Line.Places.PositionOf(seq));
        var eta = WaitingLine.EtaSeconds(position, line.Line.AdmittedLastMinute, line.Control.MaxActive ?? options.MaxActive,
            options.ActiveTtl);
        return new QueueStatus(token, userId, position, Active: false, eta, now + options.WaitingTtl,
            WaitingLine.PollAfterSeconds(eta, options.WaitingTtl));
    }

    /// <summary>A fan whose turn has come: position 0 until their turn's end, with nothing to wait for.</summary>
    public static QueueStatus Admitted(QueueTicket ticket, QueueOptions options) =>
        new(ticket.Token, ticket.UserId, 0, Active: true, 0, ticket.LapsesAt, WaitingLine.LongestPoll(options.WaitingTtl));

    public IResult ToResult(HttpContext context)
    {
        context.Response.Headers[PositionHeader] = Position.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers.RetryAfter = PollAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Ok(this);
    }
}
