using Concert.Domain.Queue;

namespace Concert.Api.Queue;

/// <summary>The Queue:* settings.</summary>
public sealed class QueueOptions
{
    public int MaxActive { get; set; } = 100;
    public TimeSpan AdmissionInterval { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan WaitingTtl { get; set; } = TimeSpan.FromMinutes(2);
    public TimeSpan ActiveTtl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The most fans waiting at once (0: no limit). A fan who would take a new place in a full line is refused (503
    /// QUEUE_FULL); one holding a live token still gets it back. Each node counts by its copy of the line and its own
    /// issues since, so the line can pass the limit by what other nodes issued within one admission interval.
    /// </summary>
    public int MaxWaiting { get; set; }

    /// <summary>The most live tokens one client address may hold (0: no limit); past it, 429 TOO_MANY_TOKENS (<see cref="ClientTokens"/>).</summary>
    public int MaxTokensPerClient { get; set; }

    /// <summary>The keys that sign queue tokens: the first signs, every one verifies (see <see cref="QueueTokens"/>).</summary>
    public List<TokenKey> TokenKeys { get; set; } = [];

    public QueueTimes Times => new(WaitingTtl, ActiveTtl);

    /// <summary>
    /// The shortest wait that signs of life written in bulk can keep: a node writes them every second and answers a fan
    /// from memory only while their recorded lapse is more than <see cref="Presence.Margin"/> away.
    /// </summary>
    public static readonly TimeSpan ShortestWait = TimeSpan.FromSeconds(20);

    public QueueOptions Validated() =>
        WaitingTtl >= ShortestWait
            ? this
            : throw new InvalidOperationException($"Queue:WaitingTtl must be at least {ShortestWait.TotalSeconds:0} seconds.");
}

/// <summary>A queue token signing key: an id (0–255) carried in every token it signs, and a secret of at least 32 bytes, base64.</summary>
public sealed class TokenKey
{
    public int Id { get; set; }
    public string Secret { get; set; } = "";
}
