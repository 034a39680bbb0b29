using Concert.Domain.Queue;

namespace Concert.Api.Queue;

/// <summary>The Queue:* settings.</summary>
public sealed class QueueOptions
{
    public int MaxActive { get; set; } = 100;
    public TimeSpan AdmissionInterval { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan WaitingTtl { get; set; } = TimeSpan.FromMinutes(2);
    public TimeSpan ActiveTtl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A tenth of WaitingTtl: how much longer than promised a fan who stopped checking may keep a place.</summary>
    public QueueTimes Times => new(WaitingTtl, ActiveTtl, RenewalStep: WaitingTtl / 10);
}
