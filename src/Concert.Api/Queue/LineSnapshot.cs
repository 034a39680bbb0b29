using Concert.Api.Infrastructure;
using Concert.Domain.Queue;
using Marten;

namespace Concert.Api.Queue;

/// <summary>
/// The line as the last admission run counted it: the places of the waiting fans (as runs of consecutive places),
/// the active fans and the admissions of the last minute. Every node keeps a copy in memory (<see cref="LineView"/>), so
/// a check or an issue never counts the line. Derived data, rewritten by each admission run in the run's own
/// transaction; the events remain the truth.
/// </summary>
/// <param name="PreQueue">Live fans in the pre-queue, waiting for the opening's draw.</param>
public sealed record LineSnapshot(
    string Id,
    DateTimeOffset ComputedAt,
    WaitingPlaces Places,
    int Active,
    int AdmittedLastMinute,
    long Counts,
    int PreQueue = 0)
{
    public const string TheId = "line";

    /// <summary>How often the places are read from every ticket, whatever the check of the quicker count says.</summary>
    public const int FullCountEvery = 60;

    public static readonly LineSnapshot Empty = new(TheId, DateTimeOffset.MinValue, WaitingPlaces.None, 0, 0, 0);

    public int Waiting => (int)Places.Count;

    /// <summary>The fans waiting by this count, with the places drawn since it up to <paramref name="latestSeq"/>.</summary>
    public long WaitingUpTo(long latestSeq) => Places.Count + Math.Max(0, latestSeq - Places.CoveredUpToSeq);

    /// <summary>
    /// The admission run's count, in the run's transaction: the waiting places are this count's, less the places the run
    /// took out of the line (not yet visible to the run's own reads), plus the waiting places drawn since this count.
    /// Before anything waits on it, the previous count is checked against the waiting tickets up to its last place (an
    /// index-only count; issues only ever add places after it): a place that left the line another way (a fan back with
    /// a new token after a lapse the job had not yet recorded, a repair by hand) makes the run read every waiting ticket
    /// instead, as it also does every <see cref="FullCountEvery"/> runs and with no earlier count. Only the reads of the
    /// places drawn since hold <see cref="QueueStore.CountLock"/>, which issues wait for. Waiters count as recorded: one
    /// who stopped checking drops out when the run records the lapse.
    /// </summary>
    public async Task<LineSnapshot> NextAsync(IDocumentSession session, DateTimeOffset now, AdmissionRun run,
        CancellationToken cancellation)
    {
        var stillWaiting = ReferenceEquals(this, Empty) || Counts % FullCountEvery == 0
            ? null
            : await StillWaitingAsync(session, run.LeftTheLine, cancellation);

        await Locks.TakeAsync(session, QueueStore.CountLock, cancellation);
        var coveredUpTo = await QueueStore.LastSeqAsync(session, cancellation);
        var places = stillWaiting is null
            ? WaitingPlaces.Counted(coveredUpTo, await QueueStore.WaitingPlaceRunsAsync(session, 0, coveredUpTo, cancellation), run.LeftTheLine)
            : stillWaiting.Next(coveredUpTo, run.LeftTheLine,
                await QueueStore.WaitingPlaceRunsAsync(session, Places.CoveredUpToSeq, coveredUpTo, cancellation));
        return new LineSnapshot(TheId, now, places, run.ActiveAfter, run.AdmittedLastMinute, Counts + 1, run.PreQueue);
    }

    /// <summary>This count's places less those the run took out, or null when the waiting tickets say otherwise.</summary>
    private async Task<WaitingPlaces?> StillWaitingAsync(IQuerySession session, IReadOnlyCollection<long> leftTheLine,
        CancellationToken cancellation)
    {
        var stillWaiting = Places.Next(Places.CoveredUpToSeq, leftTheLine, []);
        // The run's own admissions and expiries are not committed yet: their tickets still read as waiting.
        var leftOfThese = leftTheLine.Count(seq => seq <= Places.CoveredUpToSeq);
        return stillWaiting.Count + leftOfThese == await QueueStore.CountWaitingAsync(session, Places.CoveredUpToSeq, cancellation)
            ? stillWaiting
            : null;
    }
}

/// <summary>What an admission run changed, as the count needs it.</summary>
/// <param name="LeftTheLine">The places of the waiting fans the run admitted or recorded as abandoned.</param>
/// <param name="ActiveAfter">Fans active once the run commits.</param>
/// <param name="AdmittedLastMinute">Admissions in the minute up to the run, its own included.</param>
/// <param name="PreQueue">Live fans in the pre-queue.</param>
public sealed record AdmissionRun(IReadOnlyCollection<long> LeftTheLine, int ActiveAfter, int AdmittedLastMinute, int PreQueue);
