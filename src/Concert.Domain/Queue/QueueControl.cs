namespace Concert.Domain.Queue;

/// <summary>The operator's controls over admission. One stream; until an operator acts, the configured defaults hold.</summary>
public sealed record QueueControl(string Id, int? MaxActive, bool Paused)
{
    public const string StreamKey = "queue-control";

    public static QueueControl Initial => new(StreamKey, MaxActive: null, Paused: false);

    public static QueueControl Create(QueueCapacityChanged changed) => Initial.Apply(changed);

    public static QueueControl Create(AdmissionPaused paused) => Initial.Apply(paused);

    public static QueueControl Create(AdmissionResumed resumed) => Initial.Apply(resumed);

    /// <summary>What an operator's request changes; nothing when it asks for what already holds.</summary>
    public IReadOnlyList<object> Change(int? maxActive, bool? paused, DateTimeOffset now)
    {
        var changes = new List<object>();
        if (maxActive is { } capacity && capacity != MaxActive) changes.Add(new QueueCapacityChanged(capacity));
        if (paused == true && !Paused) changes.Add(new AdmissionPaused(now));
        if (paused == false && Paused) changes.Add(new AdmissionResumed(now));
        return changes;
    }

    public QueueControl Evolve(object change) => change switch
    {
        QueueCapacityChanged changed => Apply(changed),
        AdmissionPaused paused => Apply(paused),
        AdmissionResumed resumed => Apply(resumed),
        _ => this,
    };

    public QueueControl Apply(QueueCapacityChanged changed) => this with { MaxActive = changed.MaxActive };

    public QueueControl Apply(AdmissionPaused paused) => this with { Paused = true };

    public QueueControl Apply(AdmissionResumed resumed) => this with { Paused = false };
}
