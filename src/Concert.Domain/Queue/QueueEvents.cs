namespace Concert.Domain.Queue;

/// <summary>A fan took a place in line. Ticket stream (queue-{userId}); a later token of the same fan starts again here.</summary>
/// <param name="Seq">The place in issue order: admission is FIFO by it.</param>
/// <param name="LapsesAt">When the token dies unless its holder checks again.</param>
public sealed record TokenIssued(string Token, Guid UserId, long Seq, DateTimeOffset IssuedAt, DateTimeOffset LapsesAt);

/// <summary>
/// A waiting fan kept checking: the token lived on. No longer appended (a waiting fan's sign of life is written in
/// bulk as the ticket's lapse time, see docs/events.md); streams written before still hold it and replay with it.
/// </summary>
public sealed record TokenRenewed(string Token, DateTimeOffset RenewedAt, DateTimeOffset LapsesAt);

/// <summary>The fan's turn came: the token is ACTIVE until ExpiresAt.</summary>
public sealed record TokenAdmitted(string Token, DateTimeOffset AdmittedAt, DateTimeOffset ExpiresAt);

/// <summary>The token stopped being live.</summary>
public sealed record TokenExpired(string Token, DateTimeOffset ExpiredAt, TokenExpiryReason Reason);

public enum TokenExpiryReason
{
    /// <summary>A waiting fan stopped checking.</summary>
    Abandoned,

    /// <summary>An active fan's time ran out.</summary>
    ActiveTimeUp,

    /// <summary>The fan's payment succeeded, or something else ended the token at once.</summary>
    Ended,
}

/// <summary>An operator changed how many fans may be active at once. Queue control stream.</summary>
public sealed record QueueCapacityChanged(int MaxActive);

/// <summary>An operator stopped admitting fans. Queue control stream.</summary>
public sealed record AdmissionPaused(DateTimeOffset At);

/// <summary>An operator let admission run again. Queue control stream.</summary>
public sealed record AdmissionResumed(DateTimeOffset At);
