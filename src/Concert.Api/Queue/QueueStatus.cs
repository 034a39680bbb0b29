using System.Globalization;
using Concert.Domain.Queue;

namespace Concert.Api.Queue;

/// <summary>Where a fan stands.</summary>
public enum QueueStanding
{
    /// <summary>Came before the sale's opening: no place yet, until the opening's draw.</summary>
    PreQueue,
    Waiting,
    Active,
}

/// <summary>What a fan learns about their place: the body of POST /waiting/issue and GET /waiting/check.</summary>
/// <param name="Position">1 for the next to be admitted, 0 once admitted; in the pre-queue, its size (the furthest back the draw can place the fan).</param>
/// <param name="EtaSeconds">Seconds until admission, estimated; in the pre-queue, until the opening.</param>
/// <param name="PollAfterSeconds">When to check again (also Retry-After): longer the further back the fan stands.</param>
/// <param name="OpensAt">When the sale opens, for a fan in the pre-queue.</param>
public sealed record QueueStatus(string Token, Guid UserId, long Position, bool Active, long EtaSeconds, DateTimeOffset ExpiresAt,
    int PollAfterSeconds, QueueStanding Status, DateTimeOffset? OpensAt = null)
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
            WaitingLine.PollAfterSeconds(eta, options.WaitingTtl), QueueStanding.Waiting);
    }

    /// <summary>A fan in the pre-queue: told when the sale opens, how many stand in it, and to come back at the opening.</summary>
    public static QueueStatus InPreQueue(string token, Guid userId, LineReading line, DateTimeOffset now, QueueOptions options)
    {
        var opensAt = line.Control.OpensAt ?? now; // drawn or called off: the fan's place comes with the next run
        var untilOpening = (long)Math.Ceiling(Math.Max(0, (opensAt - now).TotalSeconds));
        return new QueueStatus(token, userId, Math.Max(1, line.Line.PreQueue), Active: false, untilOpening, now + options.WaitingTtl,
            WaitingLine.PollBeforeOpening(untilOpening, options.WaitingTtl), QueueStanding.PreQueue, opensAt);
    }

    /// <summary>A fan whose turn has come: position 0 until their turn's end, with nothing to wait for.</summary>
    public static QueueStatus Admitted(QueueTicket ticket, QueueOptions options) =>
        new(ticket.Token, ticket.UserId, 0, Active: true, 0, ticket.LapsesAt, WaitingLine.LongestPoll(options.WaitingTtl),
            QueueStanding.Active);

    public IResult ToResult(HttpContext context)
    {
        context.RequestServices.GetRequiredService<Operations.ConcertMetrics>().CountQueueAnswer(context);
        context.Response.Headers[PositionHeader] = Position.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers.RetryAfter = PollAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Ok(this);
    }
}
