using Concert.Domain.Queue;
using Marten;

namespace Concert.Api.Queue;

/// <summary>
/// The line as the admission job last counted it, so that no issue or check ever counts the waiters:
/// for every bucket of <see cref="BucketSize"/> places (by Seq), how many waiters stand before it.
/// A position is then that figure plus the live waiters ahead inside one bucket (an index range of at most
/// BucketSize entries); a place issued after the count is at the end of the line, behind every counted waiter.
/// Derived data, rewritten by each admission run; the events remain the truth.
/// </summary>
public sealed record LineSnapshot(
    string Id,
    DateTimeOffset ComputedAt,
    long CoveredUpToSeq,
    int Waiting,
    int Active,
    int AdmittedLastMinute,
    long FirstBucket,
    IReadOnlyList<int> WaitingBeforeBucket,
    long Runs)
{
    public const string TheId = "line";
    public const int BucketSize = 256;

    public const int FullCountEvery = 60;

    public static readonly LineSnapshot Empty = new(TheId, DateTimeOffset.MinValue, 0, 0, 0, 0, 0, [], 0);

    /// <summary>1 for the next fan to be admitted; 0 for an active one.</summary>
    public async Task<long> PositionOfAsync(IQuerySession session, QueueTicket ticket, DateTimeOffset now,
        CancellationToken cancellation) =>
        NeedsCountInBucket(ticket, now)
            ? Position(ticket, now, (await QueueStore.TicketAndWaitersAheadAsync(session, ticket.Token, now, cancellation)).AheadInBucket)
            : Position(ticket, now, aheadInBucket: 0);

    /// <param name="aheadInBucket">Live waiters from the start of the ticket's bucket up to its place.</param>
    public long Position(QueueTicket ticket, DateTimeOffset now, int aheadInBucket)
    {
        if (ticket.StatusAt(now) != TicketStatus.Waiting) return 0;
        if (ticket.Seq > CoveredUpToSeq) return Waiting + (ticket.Seq - CoveredUpToSeq);

        var index = ticket.Seq / BucketSize - FirstBucket;
        var beforeBucket = index < 0 ? 0 : WaitingBeforeBucket[(int)Math.Min(index, WaitingBeforeBucket.Count - 1)];
        return beforeBucket + aheadInBucket + 1;
    }

    private bool NeedsCountInBucket(QueueTicket ticket, DateTimeOffset now) =>
        ticket.StatusAt(now) == TicketStatus.Waiting && ticket.Seq <= CoveredUpToSeq;

    /// <summary>
    /// The admission job's last step. Usually an update: the places that left the line in this run (admitted, or
    /// recorded as abandoned) come off their buckets, and the places issued since the last count are counted
    /// (as many as were issued in one interval, whatever the line's length). Every <see cref="FullCountEvery"/>
    /// runs, or with no earlier count, the whole line is counted instead, so nothing can drift for long.
    /// Waiters are counted as recorded (not yet expired); a lapsed one drops out when the job records it.
    /// </summary>
    public async Task<LineSnapshot> NextAsync(IQuerySession session, DateTimeOffset now, IReadOnlyCollection<long> leftTheLine,
        CancellationToken cancellation)
    {
        var coveredUpTo = await QueueStore.LastSeqAsync(session, cancellation);
        var fullCount = ReferenceEquals(this, Empty) || Runs % FullCountEvery == 0;
        var counted = await WaitingByBucketAsync(session, after: fullCount ? 0 : CoveredUpToSeq, upTo: coveredUpTo, cancellation);

        var perBucket = new Dictionary<long, int>();
        if (!fullCount)
        {
            for (var index = 0; index < WaitingBeforeBucket.Count; index++)
            {
                var next = index + 1 < WaitingBeforeBucket.Count ? WaitingBeforeBucket[index + 1] : Waiting;
                perBucket[FirstBucket + index] = next - WaitingBeforeBucket[index];
            }

            foreach (var seq in leftTheLine.Where(seq => seq <= CoveredUpToSeq))
            {
                perBucket[seq / BucketSize] = perBucket.GetValueOrDefault(seq / BucketSize) - 1;
            }
        }

        foreach (var (bucket, waiting) in counted) perBucket[bucket] = perBucket.GetValueOrDefault(bucket) + waiting;

        // Only the stretch of buckets that holds waiters: every place before it has none ahead.
        var firstBucket = perBucket.Where(b => b.Value > 0).Select(b => b.Key).DefaultIfEmpty(coveredUpTo / BucketSize).Min();
        var before = new int[Math.Max(1, coveredUpTo / BucketSize - firstBucket + 1)];
        var running = 0;
        for (var index = 0; index < before.Length; index++)
        {
            before[index] = running;
            running += perBucket.GetValueOrDefault(firstBucket + index);
        }

        var active = await QueueStore.CountActiveAsync(session, now, cancellation);
        var minuteAgo = now.AddMinutes(-1);
        var admittedLastMinute = await session.Query<QueueTicket>()
            .CountAsync(t => t.AdmittedAt > minuteAgo, cancellation);
        return new LineSnapshot(TheId, now, coveredUpTo, running, active, admittedLastMinute, firstBucket, before, Runs + 1);
    }

    private static async Task<Dictionary<long, int>> WaitingByBucketAsync(IQuerySession session, long after, long upTo,
        CancellationToken cancellation) =>
        (await session.QueryAsync<BucketCount>(
            $"select json_build_object('Bucket', seq / {BucketSize}, 'Waiting', count(*)) "
            + $"from {session.DocumentStore.Options.DatabaseSchemaName}.mt_doc_queueticket "
            + $"where status = ? and seq > ? and seq <= ? group by seq / {BucketSize}",
            cancellation, (int)TicketStatus.Waiting, after, upTo))
        .ToDictionary(row => row.Bucket, row => row.Waiting);
}

internal sealed record BucketCount(long Bucket, int Waiting);
