namespace Concert.Domain.Queue;

/// <summary>How long tokens live, from Queue:* settings.</summary>
/// <param name="WaitingTtl">A waiting token lapses this long after its holder's last sign of life (an issue or a check).</param>
public sealed record QueueTimes(TimeSpan WaitingTtl, TimeSpan ActiveTtl);

/// <summary>The waiting line's decisions, free of I/O.</summary>
public static class WaitingLine
{
    /// <summary>One place in line per fan: a fan holding a live token gets that token again.</summary>
    public static bool HoldsLiveToken(QueueTicket? current, DateTimeOffset now) =>
        current is not null && current.StatusAt(now) != TicketStatus.Expired;

    /// <summary>A new place at the end of the line.</summary>
    public static TokenIssued Issue(Guid userId, string token, long seq, DateTimeOffset now, QueueTimes times) =>
        new(token, userId, seq, now, now + times.WaitingTtl);

    public static TokenAdmitted Admit(QueueTicket ticket, DateTimeOffset now, QueueTimes times) =>
        new(ticket.Token, now, now + times.ActiveTtl);

    /// <summary>Records the end of a token whose time ran out; a token still live is left alone.</summary>
    public static TokenExpired? ExpireLapsed(QueueTicket ticket, DateTimeOffset now) =>
        ticket.Status != TicketStatus.Expired && ticket.StatusAt(now) == TicketStatus.Expired
            ? new TokenExpired(ticket.Token, now,
                ticket.Status == TicketStatus.Active ? TokenExpiryReason.ActiveTimeUp : TokenExpiryReason.Abandoned)
            : null;

    /// <summary>Ends a live token at once (a completed payment); nothing to do for one already over.</summary>
    public static TokenExpired? End(QueueTicket ticket, DateTimeOffset now) =>
        ticket.StatusAt(now) == TicketStatus.Expired ? null : new TokenExpired(ticket.Token, now, TokenExpiryReason.Ended);

    /// <summary>How many waiting fans may be admitted now.</summary>
    public static int FreePlaces(int maxActive, int activeNow, bool paused) =>
        paused ? 0 : Math.Max(0, maxActive - activeNow);

    /// <summary>The shortest wait a fan is told to keep between checks, near the front of the line.</summary>
    public const int ShortestPoll = 2;

    /// <summary>
    /// The longest: 30 s, and never more than a quarter of the wait that keeps a token alive, so a fan who follows the
    /// hints never lapses, even after a lost check or two.
    /// </summary>
    public static int LongestPoll(TimeSpan waitingTtl) => (int)Math.Clamp(waitingTtl.TotalSeconds / 4, ShortestPoll, 30);

    /// <summary>
    /// How long a fan should wait before checking again: a tenth of the wait still ahead of them, between
    /// <see cref="ShortestPoll"/> and <see cref="LongestPoll"/>. A fan hears about ten times before their turn, and the
    /// crowd's checks grow with the pace of admission at the front, not with the length of the line behind.
    /// </summary>
    public static int PollAfterSeconds(long etaSeconds, TimeSpan waitingTtl) =>
        (int)Math.Clamp((etaSeconds + 9) / 10, ShortestPoll, LongestPoll(waitingTtl));

    /// <summary>A fan of the pre-queue is told to come back at the opening, when their drawn place is known, or sooner.</summary>
    public static int PollBeforeOpening(long secondsUntilOpening, TimeSpan waitingTtl) =>
        (int)Math.Clamp(secondsUntilOpening, ShortestPoll, LongestPoll(waitingTtl));

    /// <summary>Seconds until a fan at this position is admitted: position ÷ the recent admission rate, rounded up.</summary>
    public static long EtaSeconds(long position, int admittedLastMinute, int maxActive, TimeSpan activeTtl)
    {
        if (position <= 0) return 0;
        var perSecond = admittedLastMinute > 0
            ? admittedLastMinute / 60.0
            : Math.Max(1, maxActive) / activeTtl.TotalSeconds;
        return (long)Math.Ceiling(position / perSecond);
    }
}
