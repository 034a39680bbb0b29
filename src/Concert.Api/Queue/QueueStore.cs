using Concert.Api.Infrastructure;
using Concert.Domain.Queue;
using JasperFx.Events.Projections;
using Marten;
using Npgsql;

namespace Concert.Api.Queue;

/// <summary>How the waiting line lives in Marten.</summary>
public static class QueueStore
{
    private const string TicketSeq = "queue_ticket_seq";

    // Statuses as SQL literals for the queries the partial indexes below serve: as a parameter, PostgreSQL's generic
    // plans could not use those indexes.
    private static readonly string LiveTicket = $"status <> {(int)TicketStatus.Expired}";
    private static readonly string Active = $"status = {(int)TicketStatus.Active}";
    private static readonly string Waiting = $"status = {(int)TicketStatus.Waiting}";

    public static void Configure(StoreOptions options)
    {
        options.Projections.Snapshot<QueueTicket>(SnapshotLifecycle.Inline);
        options.Schema.For<QueueTicket>()
            .Duplicate(ticket => ticket.Token, configure: index => index.IsUnique = true)
            // Positions count waiters by place: the seq index carries status and lapse time so a count reads the index alone.
            .Duplicate(ticket => ticket.Seq, configure: index => index.IncludeColumns = ["status", "lapses_at"])
            // No index on the status alone (it would grow with every fan ever seen): the admission job's questions
            // "who is active" and "who waits next" each have a partial index of just those tickets, so neither
            // walks the fans a rush has already let through.
            .Duplicate(ticket => ticket.Status, configure: index =>
            {
                index.Name = "mt_doc_queueticket_idx_active";
                index.Predicate = Active;
            })
            .Index(ticket => ticket.Seq, index =>
            {
                index.Name = "mt_doc_queueticket_idx_waiting_seq";
                index.Predicate = Waiting;
            })
            // Only live tickets: the lapse scan never walks the expired ones, however many a rush leaves behind.
            .Duplicate(ticket => ticket.LapsesAt, configure: index => index.Predicate = LiveTicket)
            .Duplicate(ticket => ticket.AdmittedAt)
            // Only re-issued tickets carry one, so fresh issues pay nothing for this index.
            .Duplicate(ticket => ticket.PreviousToken, configure: index => index.Predicate = "previous_token is not null");

        options.Projections.Snapshot<QueueControl>(SnapshotLifecycle.Inline);
        options.Schema.For<LineSnapshot>();

        Sequences.Add(options, TicketSeq);
    }

    /// <summary>
    /// An issue's one round trip, inside the caller's transaction: waits for the fan's earlier requests to finish
    /// (a lock held until the transaction ends, so a fan asking twice at once never takes two places), then reads
    /// the fan's ticket and, only when the fan holds no live token, draws the next place in line. Places are drawn
    /// for new tokens alone, so the line has no holes. Two statements in one batch: the read runs after the lock
    /// is taken and sees what the previous holder committed.
    /// </summary>
    public static async Task<(QueueTicket? Current, long? Seq)> TakeTurnToIssueAsync(IDocumentSession session, Guid userId,
        DateTimeOffset now, CancellationToken cancellation)
    {
        var schema = session.DocumentStore.Options.DatabaseSchemaName;
        var key = QueueTicket.StreamKey(userId);
        await using var batch = new NpgsqlBatch(session.Connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("select pg_advisory_xact_lock(hashtextextended($1, 0))")
        {
            Parameters = { new NpgsqlParameter { Value = key } },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            $"""
             select (select d.data from {schema}.mt_doc_queueticket d where d.id = $1),
                    case when exists (select 1 from {schema}.mt_doc_queueticket d
                                      where d.id = $1 and d.status <> $2 and d.lapses_at > $3)
                         then null else nextval('{schema}.{TicketSeq}') end
             """)
        {
            Parameters =
            {
                new NpgsqlParameter { Value = key },
                new NpgsqlParameter { Value = (int)TicketStatus.Expired },
                new NpgsqlParameter { Value = now },
            },
        });

        await using var reader = await batch.ExecuteReaderAsync(cancellation);
        await reader.NextResultAsync(cancellation);
        await reader.ReadAsync(cancellation);
        var current = await reader.IsDBNullAsync(0, cancellation)
            ? null
            : session.DocumentStore.Options.Serializer().FromJson<QueueTicket>(reader, 0);
        var seq = await reader.IsDBNullAsync(1, cancellation) ? (long?)null : reader.GetInt64(1);
        return (current, seq);
    }

    /// <summary>The last place handed out, committed or not; 0 before the first.</summary>
    public static async Task<long> LastSeqAsync(IQuerySession session, CancellationToken cancellation) =>
        (await session.QueryAsync<long>(
            $"select case when is_called then last_value else 0 end from {session.DocumentStore.Options.DatabaseSchemaName}.{TicketSeq}",
            cancellation))[0];

    public static Task<QueueTicket?> TicketByTokenAsync(IQuerySession session, string token, CancellationToken cancellation) =>
        session.QueryAsync(new TicketByToken { Token = token }, cancellation);

    /// <summary>The ticket whose previous token this is: the fan has been issued a new one since.</summary>
    public static Task<QueueTicket?> TicketByPreviousTokenAsync(IQuerySession session, string token,
        CancellationToken cancellation) =>
        session.Query<QueueTicket>().Where(ticket => ticket.PreviousToken == token).FirstOrDefaultAsync(cancellation);

    /// <summary>
    /// A check's one round trip: the ticket of a token and the live waiters ahead of it within its bucket of the line.
    /// </summary>
    public static async Task<(QueueTicket? Ticket, int AheadInBucket)> TicketAndWaitersAheadAsync(IQuerySession session,
        string token, DateTimeOffset now, CancellationToken cancellation)
    {
        var table = $"{session.DocumentStore.Options.DatabaseSchemaName}.mt_doc_queueticket";
        var rows = await session.QueryAsync<TicketAndWaitersAhead>(
            $"""
             select json_build_object('Ticket', d.data, 'AheadInBucket', (
                 select count(*) from {table} o
                 where o.seq >= d.seq / {LineSnapshot.BucketSize} * {LineSnapshot.BucketSize} and o.seq < d.seq
                   and o.status = ? and o.lapses_at > ?))
             from {table} d where d.token = ?
             """,
            cancellation, (int)TicketStatus.Waiting, now, token);
        return rows.Count == 0 ? (null, 0) : (rows[0].Ticket, rows[0].AheadInBucket);
    }

    /// <summary>Up to <paramref name="count"/> tickets whose time ran out and that are not yet recorded as expired, oldest first.</summary>
    public static Task<IReadOnlyList<QueueTicket>> LapsedAsync(IQuerySession session, DateTimeOffset now, int count,
        CancellationToken cancellation) =>
        session.QueryAsync<QueueTicket>($"where d.{LiveTicket} and d.lapses_at <= ? order by d.lapses_at limit ?", cancellation, now, count);

    /// <summary>Fans whose turn is running at <paramref name="now"/>.</summary>
    public static async Task<int> CountActiveAsync(IQuerySession session, DateTimeOffset now, CancellationToken cancellation) =>
        (await session.QueryAsync<int>(
            $"select count(*)::int from {session.DocumentStore.Options.DatabaseSchemaName}.mt_doc_queueticket where {Active} and lapses_at > ?",
            cancellation, now))[0];

    /// <summary>The next <paramref name="count"/> live waiters, in issue order.</summary>
    public static Task<IReadOnlyList<QueueTicket>> NextWaitingAsync(IQuerySession session, DateTimeOffset now, int count,
        CancellationToken cancellation) =>
        session.QueryAsync<QueueTicket>($"where d.{Waiting} and d.lapses_at > ? order by d.seq limit ?", cancellation, now, count);

    public static async Task<QueueControl> ControlAsync(IQuerySession session, CancellationToken cancellation) =>
        await session.LoadAsync<QueueControl>(QueueControl.StreamKey, cancellation) ?? QueueControl.Initial;
}

internal sealed record TicketAndWaitersAhead(QueueTicket Ticket, int AheadInBucket);

