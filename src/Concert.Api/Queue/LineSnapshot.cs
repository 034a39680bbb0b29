using Concert.Domain.Queue;
using Marten;

namespace Concert.Api.Queue;

/// <summary>
/// The line as the last admission run counted it: the places of the waiting fans (as runs of consecutive places),
/// the active fans and the admissions of the last minute. Every node keeps a copy in memory (<see cref="LineView"/>), so
/// a check or an issue never counts the line. Derived data, rewritten by each admission run in the run's own
/// transaction; the events remain the truth.
/// </summary>
public sealed record LineSnapshot(
    string Id,
    DateTimeOffset ComputedAt,
    WaitingPlaces Places,
    int Active,
    int AdmittedLastMinute,
    long Runs)
{
    public const string TheId = "line";

    /// <summary>How often the places are read from every ticket instead of from the previous count and the run's changes.</summary>
    public const int FullCountEvery = 60;

    public static readonly LineSnapshot Empty = new(TheId, DateTimeOffset.MinValue, WaitingPlaces.None, 0, 0, 0);

    public int Waiting => (int)Places.Count;

    /// <summary>
    /// The admission run's count, in the run's transaction once it holds <see cref="QueueStore.CountLock"/>: the waiting
    /// places are this count's, less the places the run took out of the line (not yet visible to the run's own reads),
    /// plus the waiting places drawn since this count. Every <see cref="FullCountEvery"/> runs, or with no earlier count,
    /// the places are read from every waiting ticket instead, so nothing can drift for long. Waiters are counted while
    /// live: one who stopped checking drops out at the count after their lapse at the latest.
    /// </summary>
    public async Task<LineSnapshot> NextAsync(IQuerySession session, DateTimeOffset now, AdmissionRun run,
        CancellationToken cancellation)
    {
        var coveredUpTo = await QueueStore.LastSeqAsync(session, cancellation);
        var fullCount = ReferenceEquals(this, Empty) || Runs % FullCountEvery == 0;
        var places = fullCount
            ? WaitingPlaces.Counted(coveredUpTo, await QueueStore.WaitingRunsAsync(session, now, 0, coveredUpTo, cancellation), run.LeftTheLine)
            : Places.Next(coveredUpTo, run.LeftTheLine,
                await QueueStore.WaitingRunsAsync(session, now, Places.CoveredUpToSeq, coveredUpTo, cancellation));
        return new LineSnapshot(TheId, now, places, run.ActiveAfter, run.AdmittedLastMinute, Runs + 1);
    }
}

/// <summary>What an admission run changed, as the count needs it.</summary>
/// <param name="LeftTheLine">The places of the waiting fans the run admitted or recorded as abandoned.</param>
/// <param name="ActiveAfter">Fans active once the run commits.</param>
/// <param name="AdmittedLastMinute">Admissions in the minute up to the run, its own included.</param>
public sealed record AdmissionRun(IReadOnlyCollection<long> LeftTheLine, int ActiveAfter, int AdmittedLastMinute);
