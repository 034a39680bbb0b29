namespace Concert.Domain.Queue;

/// <summary>Consecutive places in line, <see cref="Start"/> to Start + Length - 1.</summary>
public sealed record PlaceRun(long Start, int Length)
{
    public long End => Start + Length;
}

/// <summary>
/// The places (Seq) of the fans who were waiting when an admission run counted the line, as runs of consecutive
/// places, and the last place drawn when it counted (<see cref="CoveredUpToSeq"/>): every place up to it had committed
/// or never would. A position is then the number of counted waiters ahead, or, for a place drawn after the count,
/// every counted waiter plus the places drawn since. Waiters only ever leave the line ahead of a fan (places are drawn
/// in order), so a fan's position never goes up from one count to the next.
/// </summary>
public sealed class WaitingPlaces
{
    private readonly long[] _waitingBefore;

    public WaitingPlaces(long coveredUpToSeq, IReadOnlyList<PlaceRun> runs)
    {
        CoveredUpToSeq = coveredUpToSeq;
        Runs = runs;
        _waitingBefore = new long[runs.Count + 1];
        for (var index = 0; index < runs.Count; index++) _waitingBefore[index + 1] = _waitingBefore[index] + runs[index].Length;
    }

    public static readonly WaitingPlaces None = new(0, []);

    public long CoveredUpToSeq { get; }

    /// <summary>Sorted, disjoint and never adjacent: a gap between two runs is a place that left the line or never joined it.</summary>
    public IReadOnlyList<PlaceRun> Runs { get; }

    public long Count => _waitingBefore[^1];

    /// <summary>The place was waiting at the count, or was drawn after it: as far as the count knows, it still waits.</summary>
    public bool MayBeWaiting(long seq) => seq > CoveredUpToSeq || RunHolding(seq) >= 0;

    /// <summary>1 for the next fan to be admitted: the counted waiters ahead, and for a place drawn since, the places drawn between.</summary>
    public long PositionOf(long seq) => seq > CoveredUpToSeq ? Count + (seq - CoveredUpToSeq) : WaitingAhead(seq) + 1;

    /// <summary>
    /// The next count: these places without the ones that left the line (admitted, or recorded as abandoned), with the
    /// runs of places drawn since this count that are waiting (all after <see cref="CoveredUpToSeq"/>).
    /// </summary>
    public WaitingPlaces Next(long coveredUpToSeq, IReadOnlyCollection<long> left, IEnumerable<PlaceRun> waitingSince) =>
        Counted(coveredUpToSeq, Runs.Concat(waitingSince), left);

    /// <summary>A count from the runs of waiting places read from the tickets, without the places that left meanwhile.</summary>
    public static WaitingPlaces Counted(long coveredUpToSeq, IEnumerable<PlaceRun> runs, IReadOnlyCollection<long> left)
    {
        var leaving = left.Distinct().Order().ToArray();
        var result = new List<PlaceRun>();
        var next = 0;
        foreach (var run in runs.OrderBy(run => run.Start))
        {
            var start = run.Start;
            while (next < leaving.Length && leaving[next] < start) next++;
            for (; next < leaving.Length && leaving[next] < run.End; next++)
            {
                Add(result, start, leaving[next]);
                start = leaving[next] + 1;
            }

            Add(result, start, run.End);
        }

        return new WaitingPlaces(coveredUpToSeq, result);
    }

    private static void Add(List<PlaceRun> runs, long start, long end)
    {
        if (end <= start) return;
        if (runs.Count > 0 && runs[^1].End >= start)
        {
            var last = runs[^1];
            runs[^1] = new PlaceRun(last.Start, (int)(Math.Max(last.End, end) - last.Start));
            return;
        }

        runs.Add(new PlaceRun(start, (int)(end - start)));
    }

    private long WaitingAhead(long seq)
    {
        var index = LastRunStartingAtOrBefore(seq);
        return index < 0 ? 0 : _waitingBefore[index] + Math.Min(seq - Runs[index].Start, Runs[index].Length);
    }

    private int RunHolding(long seq)
    {
        var index = LastRunStartingAtOrBefore(seq);
        return index >= 0 && seq < Runs[index].End ? index : -1;
    }

    private int LastRunStartingAtOrBefore(long seq)
    {
        var (low, high) = (0, Runs.Count - 1);
        while (low <= high)
        {
            var middle = (low + high) / 2;
            if (Runs[middle].Start <= seq) low = middle + 1;
            else high = middle - 1;
        }

        return high;
    }
}
