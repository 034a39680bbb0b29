namespace Concert.Domain.Queue;

/// <summary>The operator's controls over admission. One stream; until an operator acts, the configured defaults hold.</summary>
/// <param name="OpensAt">When the sale opens: from the scheduling until the draw, or until it is called off.</param>
/// <param name="PreQueuePending">
/// New fans enter the pre-queue: from the scheduling until the pre-queue has its places (drawn, or in arrival order
/// after a call-off), so nobody who comes in between stands ahead of it.
/// </param>
public sealed record QueueControl(string Id, int? MaxActive, bool Paused, DateTimeOffset? OpensAt = null,
    bool PreQueuePending = false)
{
    public const string StreamKey = "queue-control";

    public static QueueControl Initial => new(StreamKey, MaxActive: null, Paused: false);

    public static QueueControl Create(QueueCapacityChanged changed) => Initial.Apply(changed);

    public static QueueControl Create(AdmissionPaused paused) => Initial.Apply(paused);

    public static QueueControl Create(AdmissionResumed resumed) => Initial.Apply(resumed);

    public static QueueControl Create(SaleOpeningScheduled scheduled) => Initial.Apply(scheduled);

    /// <summary>Fans who take a place now stand in the pre-queue, to be drawn at the opening (or placed after a call-off).</summary>
    public bool HasPreQueue => PreQueuePending;

    /// <summary>The opening was called off and the pre-queue waits to join the line in arrival order.</summary>
    public bool IsCalledOff => PreQueuePending && OpensAt is null;

    /// <summary>Whether the pre-queue is due to be drawn.</summary>
    public bool IsDueToDraw(DateTimeOffset now) => OpensAt is { } opensAt && opensAt <= now;

    /// <summary>
    /// What an operator's request changes; nothing when it asks for what already holds. An opening in the past opens at
    /// the next admission run; calling off an opening when none stands (never set, or already drawn) changes nothing.
    /// </summary>
    public IReadOnlyList<object> Change(int? maxActive, bool? paused, DateTimeOffset? opensAt, bool cancelOpening,
        DateTimeOffset now)
    {
        var changes = new List<object>();
        if (maxActive is { } capacity && capacity != MaxActive) changes.Add(new QueueCapacityChanged(capacity));
        if (paused == true && !Paused) changes.Add(new AdmissionPaused(now));
        if (paused == false && Paused) changes.Add(new AdmissionResumed(now));
        if (cancelOpening && OpensAt is not null) changes.Add(new SaleOpeningCancelled(now));
        else if (opensAt is { } opening && opening != OpensAt) changes.Add(new SaleOpeningScheduled(opening, now));
        return changes;
    }

    public QueueControl Evolve(object change) => change switch
    {
        QueueCapacityChanged changed => Apply(changed),
        AdmissionPaused paused => Apply(paused),
        AdmissionResumed resumed => Apply(resumed),
        SaleOpeningScheduled scheduled => Apply(scheduled),
        SaleOpeningCancelled cancelled => Apply(cancelled),
        PreQueueDrawn drawn => Apply(drawn),
        PreQueueJoinedLine joined => Apply(joined),
        _ => this,
    };

    public QueueControl Apply(QueueCapacityChanged changed) => this with { MaxActive = changed.MaxActive };

    public QueueControl Apply(AdmissionPaused paused) => this with { Paused = true };

    public QueueControl Apply(AdmissionResumed resumed) => this with { Paused = false };

    public QueueControl Apply(SaleOpeningScheduled scheduled) => this with { OpensAt = scheduled.OpensAt, PreQueuePending = true };

    public QueueControl Apply(SaleOpeningCancelled cancelled) => this with { OpensAt = null };

    public QueueControl Apply(PreQueueDrawn drawn) => this with { OpensAt = null, PreQueuePending = false };

    public QueueControl Apply(PreQueueJoinedLine joined) => this with { OpensAt = null, PreQueuePending = false };
}
