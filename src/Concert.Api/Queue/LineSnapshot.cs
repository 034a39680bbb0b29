using Concert.Domain.Queue;
using Marten;

namespace Concert.Api.Queue;

/// <summary>
/// The line as the admission job last counted it, so that no issue or check ever counts the waiters:
/// for every bucket of <see cref="BucketSize"/> places (by Seq), how many live waiters stand before it.
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
    IReadOnlyList<int> WaitingBeforeBucket)
{
    public const string TheId = "line";
    public const int BucketSize = 256;

    public static readonly LineSnapshot Empty = new(TheId, DateTimeOffset.MinValue, 0, 0, 0, 0, 0, []);

    /// <summary>1 for the next fan to be admitted; 0 for an active one.</summary>
    public async Task<long> PositionOfAsync(IQuerySession session, QueueTicket ticket, DateTimeOffset now,
        CancellationToken cancellation) =>
        NeedsCountInBucket(ticket, now)
            ? Position(ticket, now, await session.QueryAsync(
                new WaitingAheadInBucket { BucketStart = BucketStart(ticket.Seq), Seq = ticket.Seq, Now = now }, cancellation))
            : Position(ticket, now, aheadInBucket: 0);

    /// <param name="aheadInBucket">Live waiters with a place in [<see cref="BucketStart"/>, the ticket's place).</param>
    public long Position(QueueTicket ticket, DateTimeOffset now, int aheadInBucket)
    {
        if (ticket.StatusAt(now) != TicketStatus.Waiting) return 0;
        if (ticket.Seq > CoveredUpToSeq) return Waiting + (ticket.Seq - CoveredUpToSeq);

        var index = ticket.Seq / BucketSize - FirstBucket;
        var beforeBucket = index < 0 ? 0 : WaitingBeforeBucket[(int)Math.Min(index, WaitingBeforeBucket.Count - 1)];
        return beforeBucket + aheadInBucket + 1;
    }

    public static long BucketStart(long seq) => seq / BucketSize * BucketSize;

    private bool NeedsCountInBucket(QueueTicket ticket, DateTimeOffset now) =>
        ticket.StatusAt(now) == TicketStatus.Waiting && ticket.Seq <= CoveredUpToSeq;

    /// <summary>Counts the line afresh: the admission job's last step.</summary>
    public static async Task<LineSnapshot> CountAsync(IQuerySession session, DateTimeOffset now, CancellationToken cancellation)
    {
        var schema = session.DocumentStore.Options.DatabaseSchemaName;
        var coveredUpTo = await QueueStore.LastSeqAsync(session, cancellation);
        var waitingByBucket = (await session.QueryAsync<BucketCount>(
                $"select json_build_object('Bucket', seq / {BucketSize}, 'Waiting', count(*)) from {schema}.mt_doc_queueticket "
                + "where status = ? and lapses_at > ? group by seq / " + BucketSize,
                cancellation, (int)TicketStatus.Waiting, now))
            .ToDictionary(row => row.Bucket, row => row.Waiting);

        // Only the stretch of buckets that holds live waiters: every place before it has 0 waiters ahead.
        var firstBucket = waitingByBucket.Count == 0 ? coveredUpTo / BucketSize : waitingByBucket.Keys.Min();
        var before = new int[coveredUpTo / BucketSize - firstBucket + 1];
        var running = 0;
        for (var index = 0; index < before.Length; index++)
        {
            before[index] = running;
            running += waitingByBucket.GetValueOrDefault(firstBucket + index);
        }

        var active = await session.Query<QueueTicket>()
            .CountAsync(t => t.Status == TicketStatus.Active && t.LapsesAt > now, cancellation);
        var minuteAgo = now.AddMinutes(-1);
        var admittedLastMinute = await session.Query<QueueTicket>()
            .CountAsync(t => t.AdmittedAt > minuteAgo, cancellation);
        return new LineSnapshot(TheId, now, coveredUpTo, running, active, admittedLastMinute, firstBucket, before);
    }
}

internal sealed record BucketCount(long Bucket, int Waiting);
