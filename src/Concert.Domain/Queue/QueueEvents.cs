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

/// <summary>
/// An operator set when the sale opens (or moved it). Until then every fan who takes a place stands in the pre-queue,
/// with no position; at <paramref name="OpensAt"/> the pre-queue is drawn. Queue control stream.
/// </summary>
public sealed record SaleOpeningScheduled(DateTimeOffset OpensAt, DateTimeOffset At);

/// <summary>An operator called off the opening before the draw: the pre-queue joins the line in arrival order. Queue control stream.</summary>
public sealed record SaleOpeningCancelled(DateTimeOffset At);

/// <summary>
/// The pre-queue was ordered by a random draw, once. The order is a pure function of <paramref name="Seed"/> and
/// <paramref name="Entrants"/> (<see cref="PreQueueDraw"/>): the drawn fans took the places <paramref name="FirstSeq"/>
/// onwards in that order, each recorded on their own stream (<see cref="PlaceDrawn"/>). Queue control stream.
/// </summary>
/// <param name="Seed">32 bytes from a cryptographic generator, base64.</param>
/// <param name="Entrants">The entry numbers of the fans still in the pre-queue at the draw, as runs.</param>
/// <param name="Digest">SHA-256 of the drawn order (hex), to check a replay against.</param>
public sealed record PreQueueDrawn(DateTimeOffset DrawnAt, string Seed, IReadOnlyList<PlaceRun> Entrants, int Count,
    long FirstSeq, string Digest);

/// <summary>
/// After an opening was called off, the fans still in the pre-queue took the places <paramref name="FirstSeq"/> onwards
/// in arrival order, each recorded on their own stream (<see cref="PlaceDrawn"/>). Queue control stream.
/// </summary>
public sealed record PreQueueJoinedLine(DateTimeOffset At, int Count, long FirstSeq);

/// <summary>A fan of the pre-queue was given their place in line by the draw. Ticket stream.</summary>
public sealed record PlaceDrawn(string Token, long Seq);
