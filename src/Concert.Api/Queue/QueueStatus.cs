using Concert.Domain.Queue;

namespace Concert.Api.Queue;

/// <summary>What a fan learns about their place: the body of POST /waiting/issue and GET /waiting/check.</summary>
public sealed record QueueStatus(string Token, Guid UserId, long Position, bool Active, long EtaSeconds, DateTimeOffset ExpiresAt)
{
    public const string PositionHeader = "X-Queue-Position";

    public static QueueStatus Of(QueueTicket ticket, long position, LineSnapshot line, QueueControl control,
        DateTimeOffset now, QueueOptions options) =>
        new(
            ticket.Token,
            ticket.UserId,
            position,
            ticket.StatusAt(now) == TicketStatus.Active,
            WaitingLine.EtaSeconds(position, line.AdmittedLastMinute, control.MaxActive ?? options.MaxActive, options.ActiveTtl),
            WaitingLine.PromisedExpiry(ticket, now, options.Times));

    public IResult ToResult(HttpContext context)
    {
        context.Response.Headers[PositionHeader] = Position.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Ok(this);
    }
}
