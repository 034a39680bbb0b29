namespace Concert.Domain.Queue;

public enum TicketStatus
{
    Waiting,
    Active,
    Expired,
}

/// <summary>
/// A fan's place in the waiting line, one stream per fan. Status is what was recorded; whether the token is
/// still live also depends on the clock (<see cref="LapsesAt"/>), so reads ask <see cref="StatusAt"/>.
/// </summary>
/// <param name="PreviousToken">The fan's token before this one, if any.</param>
public sealed record QueueTicket(
    string Id,
    Guid UserId,
    string Token,
    long Seq,
    TicketStatus Status,
    DateTimeOffset IssuedAt,
    DateTimeOffset? AdmittedAt,
    DateTimeOffset LapsesAt,
    string? PreviousToken = null)
{
    public static string StreamKey(Guid userId) => $"queue-{userId}";

    public static QueueTicket Create(TokenIssued issued) =>
        new(StreamKey(issued.UserId), issued.UserId, issued.Token, issued.Seq, TicketStatus.Waiting, issued.IssuedAt,
            AdmittedAt: null, issued.LapsesAt);

    /// <summary>A new token for a fan whose last one expired; the last one is remembered, for replays made with it.</summary>
    public QueueTicket Apply(TokenIssued issued) => Create(issued) with { PreviousToken = Token };

    // A fan's stream outlives their tokens: an event about an earlier token never changes the current one.
    public QueueTicket Apply(TokenRenewed renewed) =>
        renewed.Token == Token ? this with { LapsesAt = renewed.LapsesAt } : this;

    /// <summary>A fan of the pre-queue (a place below zero, their entry number) given their place by the opening's draw.</summary>
    public QueueTicket Apply(PlaceDrawn drawn) => drawn.Token == Token ? this with { Seq = drawn.Seq } : this;

    /// <summary>In the pre-queue: no place in line until the opening's draw.</summary>
    public bool InPreQueue => Seq < 0;

    public QueueTicket Apply(TokenAdmitted admitted) =>
        admitted.Token == Token
            ? this with { Status = TicketStatus.Active, AdmittedAt = admitted.AdmittedAt, LapsesAt = admitted.ExpiresAt }
            : this;

    public QueueTicket Apply(TokenExpired expired) =>
        expired.Token == Token ? this with { Status = TicketStatus.Expired, LapsesAt = Min(LapsesAt, expired.ExpiredAt) } : this;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    public TicketStatus StatusAt(DateTimeOffset now) => LapsesAt <= now ? TicketStatus.Expired : Status;
}
