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
    IReadOnlyList<int> WaitingBeforeBucket)
{
    public const string TheId = "line";
    public const int BucketSize = 256;

    public static readonly LineSnapshot Empty = new(TheId, DateTimeOffset.MinValue, 0, 0, 0, 0, []);

    public static async Task<LineSnapshot> LoadAsync(IQuerySession session, CancellationToken cancellation) =>
        await session.LoadAsync<LineSnapshot>(TheId, cancellation) ?? Empty;

    /// <summary>1 for the next fan to be admitted; 0 for an active one.</summary>
    public async Task<long> PositionOfAsync(IQuerySession session, QueueTicket ticket, DateTimeOffset now,
        CancellationToken cancellation)
    {
        if (ticket.StatusAt(now) != TicketStatus.Waiting) return 0;
        if (ticket.Seq > CoveredUpToSeq) return Waiting + (ticket.Seq - CoveredUpToSeq);

        var bucket = (int)(ticket.Seq / BucketSize);
        var bucketStart = (long)bucket * BucketSize;
        var aheadInBucket = await session.Query<QueueTicket>().CountAsync(other =>
            other.Seq >= bucketStart && other.Seq < ticket.Seq
            && other.Status == TicketStatus.Waiting && other.LapsesAt > now, cancellation);
        return WaitingBeforeBucket[bucket] + aheadInBucket + 1;
    }

    /// <summary>Counts the line afresh: the admission job's last step.</summary>
    public static async Task<LineSnapshot> CountAsync(IQuerySession session, DateTimeOffset now, CancellationToken cancellation)
    {
        var table = $"{session.DocumentStore.Options.DatabaseSchemaName}.mt_doc_queueticket";
        var coveredUpTo = (await session.QueryAsync<long>($"select coalesce(max(seq), 0) from {table}", cancellation))[0];
        var waitingByBucket = (await session.AdvancedSql.QueryAsync<long, int>(
                $"select seq / {BucketSize}, count(*)::int from {table} where status = ? and lapses_at > ? group by 1",
                cancellation, (int)TicketStatus.Waiting, now))
            .ToDictionary(row => row.Item1, row => row.Item2);
        var before = new int[coveredUpTo / BucketSize + 1];
        var running = 0;
        for (var bucket = 0; bucket < before.Length; bucket++)
        {
            before[bucket] = running;
            running += waitingByBucket.GetValueOrDefault(bucket);
        }

        var active = await session.Query<QueueTicket>()
            .CountAsync(t => t.Status == TicketStatus.Active && t.LapsesAt > now, cancellation);
        var minuteAgo = now.AddMinutes(-1);
        var admittedLastMinute = await session.Query<QueueTicket>()
            .CountAsync(t => t.AdmittedAt > minuteAgo, cancellation);
        return new LineSnapshot(TheId, now, coveredUpTo, running, active, admittedLastMinute, before);
    }
}
