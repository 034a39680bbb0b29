using Concert.Api.Infrastructure;
using Concert.Domain.Queue;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events;
using Marten.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Concert.Api.Queue;

/// <summary>How the waiting line lives in Marten.</summary>
public static class QueueStore
{
    private const string TicketSeq = "queue_ticket_seq";

    /// <summary>Entry numbers of the pre-queue: a fan in it holds the place minus their entry number until the draw.</summary>
    private const string PreQueueSeq = "queue_prequeue_seq";

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
            // Every index entry is a write per issue, so each index holds only the tickets its questions ask about.
            // Places are asked about only while waiting (the next to admit, the line's count, a sign of life): the
            // waiting places, carrying the lapse time so a count reads the index alone.
            .Duplicate(ticket => ticket.Seq, configure: index =>
            {
                index.Name = "mt_doc_queueticket_idx_waiting_seq";
                index.Predicate = Waiting;
                index.IncludeColumns = ["lapses_at"];
            })
            // No index on the status alone (it would grow with every fan ever seen): "who is active" has a partial
            // index of just those tickets, so it never walks the fans a rush has already let through.
            .Duplicate(ticket => ticket.Status, configure: index =>
            {
                index.Name = "mt_doc_queueticket_idx_active";
                index.Predicate = Active;
            })
            // Only live tickets: the lapse scan never walks the expired ones, however many a rush leaves behind.
            .Duplicate(ticket => ticket.LapsesAt, configure: index => index.Predicate = LiveTicket)
            // Only admitted tickets: the admissions of the last minute.
            .Duplicate(ticket => ticket.AdmittedAt, configure: index => index.Predicate = "admitted_at is not null")
            // Only re-issued tickets carry one, so fresh issues pay nothing for this index.
            .Duplicate(ticket => ticket.PreviousToken, configure: index => index.Predicate = "previous_token is not null");

        options.Projections.Snapshot<QueueControl>(SnapshotLifecycle.Inline);
        options.Schema.For<LineSnapshot>();

        Sequences.Add(options, TicketSeq);
        Sequences.Add(options, PreQueueSeq);
    }

    /// <summary>
    /// Issues take this lock shared and an admission run's count takes it alone: while the line is counted no issue
    /// is between drawing a place and committing it, so every place up to the last one drawn has committed or never will.
    /// </summary>
    public const string CountLock = "queue-count";

    /// <summary>
    /// A batch of issues' one round trip, inside the caller's transaction: the count lock (shared), then each fan's own
    /// lock, taken in one order by every batch so two batches never wait on each other in a circle (held until the
    /// transaction ends, so a fan asking twice at once never takes two places), then each fan's ticket, whether their
    /// stream exists, and the next places in line for the fans who need one, drawn in the order the fans are given:
    /// fans never seen, and with <paramref name="forReissues"/> those whose last token is over. Places are drawn for
    /// new tokens alone, so the line has no holes.
    /// </summary>
    public static async Task<IReadOnlyList<IssueTurn>> TakeTurnsToIssueAsync(IDocumentStore store, NpgsqlConnection connection,
        IReadOnlyList<Guid> userIds, DateTimeOffset now, bool forReissues, CancellationToken cancellation)
    {
        var schema = store.Options.DatabaseSchemaName;
        var keys = userIds.Select(QueueTicket.StreamKey).ToArray();
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("select pg_advisory_xact_lock_shared(hashtextextended($1, 0))")
        {
            Parameters = { new NpgsqlParameter { Value = CountLock } },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            "select pg_advisory_xact_lock(hashtextextended(k, 0)) from (select k from unnest($1::text[]) k order by hashtextextended(k, 0)) fans")
        {
            Parameters = { new NpgsqlParameter { Value = keys } },
        });
        // Lookups by key, one fan at a time (a join might scan every stream); output columns are computed after the
        // sort, so the places follow the order of the fans.
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            $"""
             select d.data, s.id is not null,
                    case when s.id is null or $2 and not coalesce(d.{LiveTicket} and d.lapses_at > $3, false)
                         then case when opening.stands then -nextval('{schema}.{PreQueueSeq}') else nextval('{schema}.{TicketSeq}') end
                    end
             from unnest($1::text[]) with ordinality fan(k, turn)
             cross join (select exists (select 1 from {schema}.mt_doc_queuecontrol
                                        where id = $4 and (data ->> '{nameof(QueueControl.PreQueuePending)}')::boolean) stands) opening
             left join lateral (select id from {schema}.mt_streams where id = fan.k) s on true
             left join lateral (select data, status, lapses_at from {schema}.mt_doc_queueticket where id = fan.k) d on true
             order by fan.turn
             """)
        {
            Parameters =
            {
                new NpgsqlParameter { Value = keys },
                new NpgsqlParameter { Value = forReissues },
                new NpgsqlParameter { Value = now },
                new NpgsqlParameter { Value = QueueControl.StreamKey },
            },
        });

        await using var reader = await batch.ExecuteReaderAsync(cancellation);
        await reader.NextResultAsync(cancellation);
        await reader.NextResultAsync(cancellation);
        var serializer = store.Options.Serializer();
        var turns = new List<IssueTurn>(userIds.Count);
        foreach (var userId in userIds)
        {
            await reader.ReadAsync(cancellation);
            var current = await reader.IsDBNullAsync(0, cancellation) ? null : serializer.FromJson<QueueTicket>(reader, 0);
            var seq = await reader.IsDBNullAsync(2, cancellation) ? (long?)null : reader.GetInt64(2);
            turns.Add(new IssueTurn(userId, current, reader.GetBoolean(1), seq));
        }

        return turns;
    }

    /// <summary>
    /// Starts the ticket streams of fans never seen, in three set-based statements inside the caller's transaction:
    /// the streams, their TokenIssued events and the tickets' inline documents, written as Marten writes them (the
    /// names and types come from Marten's own mappings). Marten's own append is a function call per stream and a
    /// document upsert per fan, most of an issue's database time in a rush (bench/README.md); a spec reads these
    /// streams back through Marten.
    /// </summary>
    public static async Task StartTicketStreamsAsync(IDocumentStore store, NpgsqlConnection connection,
        IReadOnlyList<(TokenIssued Issued, string? CorrelationId)> started, CancellationToken cancellation)
    {
        var schema = store.Options.DatabaseSchemaName;
        var serializer = store.Options.Serializer();
        var events = (EventGraph)store.Options.Events;
        var eventType = events.EventMappingFor(typeof(TokenIssued));
        var streamType = events.AggregateAliasFor(typeof(QueueTicket));
        var tickets = started.Select(start => QueueTicket.Create(start.Issued)).ToArray();
        var ids = tickets.Select(ticket => ticket.Id).ToArray();

        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            $"insert into {schema}.mt_streams (id, type, version, timestamp, created, tenant_id) select id, $2, 1, now(), now(), $3 from unnest($1::text[]) id")
        {
            Parameters =
            {
                new NpgsqlParameter { Value = ids },
                new NpgsqlParameter { Value = streamType },
                new NpgsqlParameter { Value = JasperFx.StorageConstants.DefaultTenantId },
            },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            $"""
             insert into {schema}.mt_events (seq_id, id, stream_id, version, data, type, tenant_id, timestamp, mt_dotnet_type,
                                             is_archived, correlation_id, headers)
             select nextval('{schema}.mt_events_sequence'), e.id, e.stream_id, 1, e.data, $5, $6, now(), $7, false, e.correlation_id, 'null'
             from unnest($1::text[], $2::uuid[], $3::jsonb[], $4::text[]) with ordinality e(stream_id, id, data, correlation_id, turn)
             order by e.turn
             """)
        {
            Parameters =
            {
                new NpgsqlParameter { Value = ids },
                new NpgsqlParameter { Value = started.Select(_ => Guid.CreateVersion7()).ToArray() },
                new NpgsqlParameter
                {
                    Value = started.Select(start => serializer.ToJson(start.Issued)).ToArray(),
                    NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
                },
                new NpgsqlParameter { Value = started.Select(start => start.CorrelationId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new NpgsqlParameter { Value = eventType.EventTypeName },
                new NpgsqlParameter { Value = JasperFx.StorageConstants.DefaultTenantId },
                new NpgsqlParameter { Value = eventType.DotNetTypeName },
            },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            $"""
             insert into {schema}.mt_doc_queueticket (id, data, mt_version, mt_dotnet_type, mt_last_modified, token, seq, status, lapses_at)
             select t.id, t.data, 1, $6, transaction_timestamp(), t.token, t.seq, $7, t.lapses_at
             from unnest($1::text[], $2::jsonb[], $3::text[], $4::bigint[], $5::timestamptz[]) t(id, data, token, seq, lapses_at)
             """)
        {
            Parameters =
            {
                new NpgsqlParameter { Value = ids },
                new NpgsqlParameter
                {
                    Value = tickets.Select(ticket => serializer.ToJson(ticket)).ToArray(),
                    NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
                },
                new NpgsqlParameter { Value = tickets.Select(ticket => ticket.Token).ToArray() },
                new NpgsqlParameter { Value = tickets.Select(ticket => ticket.Seq).ToArray() },
                new NpgsqlParameter { Value = tickets.Select(ticket => ticket.LapsesAt).ToArray() },
                new NpgsqlParameter { Value = typeof(QueueTicket).FullName },
                new NpgsqlParameter { Value = (int)TicketStatus.Waiting },
            },
        });
        await batch.ExecuteNonQueryAsync(cancellation);
    }

    /// <summary>The last place handed out, committed or not; 0 before the first.</summary>
    public static async Task<long> LastSeqAsync(IQuerySession session, CancellationToken cancellation) =>
        (await session.QueryAsync<long>(
            $"select case when is_called then last_value else 0 end from {session.DocumentStore.Options.DatabaseSchemaName}.{TicketSeq}",
            cancellation))[0];

    public static Task<QueueTicket?> TicketByTokenAsync(IQuerySession session, string token, CancellationToken cancellation) =>
        session.QueryAsync(new TicketByToken { Token = token }, cancellation);

    /// <summary>
    /// A keyed request's one round trip: the ticket of its queue token and a try at the session-level advisory lock on
    /// the fan's key, then the key's stored outcome. The lock is only ever free after the previous holder committed;
    /// the outcome is read by a second statement, whose snapshot is taken after the lock was, so it sees any outcome
    /// the previous holder stored (read in the lock's own statement, it could miss one committed while that statement
    /// started). Rows: (ticket, locked), then (record) if stored.
    /// </summary>
    /// <param name="routeAndKey">What follows the fan's id in the record id: "|METHOD route|key".</param>
    public static NpgsqlBatch TicketAndKeyLockBatch(NpgsqlConnection connection, string schema, string token,
        string routeAndKey) => new(connection)
    {
        BatchCommands =
        {
            new NpgsqlBatchCommand(
                $"select t.data, pg_try_advisory_lock(hashtextextended(t.data ->> '{nameof(QueueTicket.UserId)}' || $2, 0)) from {schema}.mt_doc_queueticket t where t.token = $1")
            {
                Parameters = { new NpgsqlParameter { Value = token }, new NpgsqlParameter { Value = routeAndKey } },
            },
            new NpgsqlBatchCommand(
                $"select r.data from {schema}.mt_doc_idempotencyrecord r where r.id = (select t.data ->> '{nameof(QueueTicket.UserId)}' from {schema}.mt_doc_queueticket t where t.token = $1) || $2")
            {
                Parameters = { new NpgsqlParameter { Value = token }, new NpgsqlParameter { Value = routeAndKey } },
            },
        },
    };

    /// <summary>The ticket stream whose TokenIssued event issued this token, by a scan of the events (support's occasional question).</summary>
    public static async Task<string?> TicketStreamOfIssuedTokenAsync(IQuerySession session, string token,
        CancellationToken cancellation)
    {
        var events = (EventGraph)session.DocumentStore.Options.Events;
        var type = events.EventMappingFor(typeof(TokenIssued)).EventTypeName;
        return (await session.QueryAsync<string>(
            $"select stream_id from {events.DatabaseSchemaName}.mt_events where type = ? and data ->> '{nameof(TokenIssued.Token)}' = ? limit 1",
            cancellation, type, token)).FirstOrDefault();
    }

    /// <summary>The members of Marten's JSON that this store's SQL reads or writes by name.</summary>
    public static readonly IReadOnlyList<(Type Document, string Member)> JsonMembersInSql =
    [
        (typeof(QueueTicket), nameof(QueueTicket.UserId)),
        (typeof(QueueTicket), nameof(QueueTicket.LapsesAt)),
        (typeof(QueueTicket), nameof(QueueTicket.Seq)),
        (typeof(TokenIssued), nameof(TokenIssued.Token)),
        (typeof(TokenIssued), nameof(TokenIssued.Seq)),
        (typeof(PlaceDrawn), nameof(PlaceDrawn.Token)),
        (typeof(PlaceDrawn), nameof(PlaceDrawn.Seq)),
        (typeof(QueueControl), nameof(QueueControl.PreQueuePending)),
    ];

    /// <summary>The ticket whose previous token this is: the fan has been issued a new one since.</summary>
    public static Task<QueueTicket?> TicketByPreviousTokenAsync(IQuerySession session, string token,
        CancellationToken cancellation) =>
        session.Query<QueueTicket>().Where(ticket => ticket.PreviousToken == token).FirstOrDefaultAsync(cancellation);

    /// <summary>
    /// Writes waiting fans' signs of life in one statement: each ticket's lapse time moves to the one given, in the
    /// document and its column, only while the ticket is waiting, not yet lapsed, and recorded to lapse earlier.
    /// </summary>
    /// <returns>The places whose lapse time this wrote; the others have left the line, lapsed, or were written later already.</returns>
    public static async Task<IReadOnlySet<long>> RecordPresenceAsync(IDocumentStore store,
        IReadOnlyList<(long Seq, DateTimeOffset LapsesAt)> lapses, DateTimeOffset now, CancellationToken cancellation)
    {
        var serializer = store.Options.Serializer();
        await using var session = store.QuerySession();
        var written = await session.QueryAsync<long>(
            $"""
             with written as (
                 update {store.Options.DatabaseSchemaName}.mt_doc_queueticket t
                 set lapses_at = p.lapses_at, data = jsonb_set(t.data, ?::text[], p.lapses_json::jsonb)
                 from unnest(?::bigint[], ?::timestamptz[], ?::text[]) p(seq, lapses_at, lapses_json)
                 where t.seq = p.seq and t.{Waiting} and t.lapses_at > ? and t.lapses_at < p.lapses_at
                 returning t.seq)
             select seq from written
             """,
            cancellation,
            new[] { nameof(QueueTicket.LapsesAt) },
            lapses.Select(lapse => lapse.Seq).ToArray(),
            lapses.Select(lapse => lapse.LapsesAt).ToArray(),
            lapses.Select(lapse => serializer.ToJson(lapse.LapsesAt)).ToArray(),
            now);
        return written.ToHashSet();
    }

    /// <summary>
    /// The places from <paramref name="after"/> (exclusive) to <paramref name="upTo"/> whose tickets are recorded as
    /// waiting, as runs of consecutive places (one row per run, however many fans wait).
    /// </summary>
    public static Task<IReadOnlyList<PlaceRun>> WaitingPlaceRunsAsync(IQuerySession session, long after, long upTo,
        CancellationToken cancellation) =>
        session.QueryAsync<PlaceRun>(
            $"""
             select json_build_object('Start', min(seq), 'Length', count(*)) from (
                 select seq, seq - row_number() over (order by seq) as run
                 from {session.DocumentStore.Options.DatabaseSchemaName}.mt_doc_queueticket
                 where {Waiting} and seq > ? and seq <= ?) places
             group by run order by min(seq)
             """,
            cancellation, after, upTo);

    /// <summary>Tickets recorded as waiting up to a place (not the pre-queue's): the waiting places' index alone.</summary>
    public static async Task<long> CountWaitingAsync(IQuerySession session, long upTo, CancellationToken cancellation) =>
        (await session.QueryAsync<long>(
            $"select count(*) from {session.DocumentStore.Options.DatabaseSchemaName}.mt_doc_queueticket where {Waiting} and seq > 0 and seq <= ?",
            cancellation, upTo))[0];

    /// <summary>The live fans of the pre-queue: the waiting places' index alone.</summary>
    public static async Task<int> CountPreQueueAsync(IQuerySession session, DateTimeOffset now, CancellationToken cancellation) =>
        (await session.QueryAsync<int>(
            $"select count(*)::int from {session.DocumentStore.Options.DatabaseSchemaName}.mt_doc_queueticket where {Waiting} and seq < 0 and lapses_at > ?",
            cancellation, now))[0];

    /// <summary>The live fans of the pre-queue, in arrival order.</summary>
    public static Task<IReadOnlyList<QueueTicket>> PreQueueAsync(IQuerySession session, DateTimeOffset now, CancellationToken cancellation) =>
        session.QueryAsync<QueueTicket>($"where d.{Waiting} and d.seq < 0 and d.lapses_at > ? order by d.seq desc", cancellation, now);

    /// <summary>
    /// Reserves <paramref name="count"/> consecutive places at the end of the line and answers the first. Only under the
    /// count lock held alone, when no issue is drawing a place.
    /// </summary>
    public static async Task<long> ReservePlacesAsync(IDocumentSession session, int count, CancellationToken cancellation) =>
        (await session.QueryAsync<long>(
            $"select setval('{session.DocumentStore.Options.DatabaseSchemaName}.{TicketSeq}', nextval('{session.DocumentStore.Options.DatabaseSchemaName}.{TicketSeq}') + ? - 1) - (? - 1)",
            cancellation, count, count))[0];

    /// <summary>Up to <paramref name="count"/> tickets whose time ran out and that are not yet recorded as expired, oldest first.</summary>
    public static Task<IReadOnlyList<QueueTicket>> LapsedAsync(IQuerySession session, DateTimeOffset now, int count,
        CancellationToken cancellation) =>
        session.QueryAsync<QueueTicket>($"where d.{LiveTicket} and d.lapses_at <= ? order by d.lapses_at limit ?", cancellation, now, count);

    /// <summary>Fans whose turn is running at <paramref name="now"/>.</summary>
    public static async Task<int> CountActiveAsync(IQuerySession session, DateTimeOffset now, CancellationToken cancellation) =>
        (await session.QueryAsync<int>(
            $"select count(*)::int from {session.DocumentStore.Options.DatabaseSchemaName}.mt_doc_queueticket where {Active} and lapses_at > ?",
            cancellation, now))[0];

    public static Task<int> CountAdmittedSinceAsync(IQuerySession session, DateTimeOffset since, CancellationToken cancellation) =>
        session.Query<QueueTicket>().CountAsync(ticket => ticket.AdmittedAt > since, cancellation);

    /// <summary>The next <paramref name="count"/> live waiters, in issue order.</summary>
    public static Task<IReadOnlyList<QueueTicket>> NextWaitingAsync(IQuerySession session, DateTimeOffset now, int count,
        CancellationToken cancellation) =>
        session.QueryAsync<QueueTicket>($"where d.{Waiting} and d.seq > 0 and d.lapses_at > ? order by d.seq limit ?", cancellation, now, count);

    /// <summary>The line snapshot and the operator's controls, with when each was last written.</summary>
    public static async Task<(LineSnapshot? Line, QueueControl? Control, LineWritten Written)> ReadLineAsync(IQuerySession session,
        CancellationToken cancellation)
    {
        var schema = session.DocumentStore.Options.DatabaseSchemaName;
        var row = (await session.QueryAsync<LineRow>(
            $"""
             select json_build_object('Line', l.data, 'LineWritten', l.mt_last_modified,
                                      'Control', c.data, 'ControlWritten', c.mt_last_modified)
             from (select 1) one
             left join {schema}.mt_doc_linesnapshot l on l.id = ?
             left join {schema}.mt_doc_queuecontrol c on c.id = ?
             """,
            cancellation, LineSnapshot.TheId, QueueControl.StreamKey))[0];
        return (row.Line, row.Control, new LineWritten(row.LineWritten, row.ControlWritten));
    }

    /// <summary>When the line snapshot and the operator's controls were last written: a cheap poll for changes.</summary>
    public static async Task<LineWritten> LineWrittenAsync(IQuerySession session, CancellationToken cancellation)
    {
        var schema = session.DocumentStore.Options.DatabaseSchemaName;
        return (await session.QueryAsync<LineWritten>(
            $"""
             select json_build_object(
                 'Line', (select mt_last_modified from {schema}.mt_doc_linesnapshot where id = ?),
                 'Control', (select mt_last_modified from {schema}.mt_doc_queuecontrol where id = ?))
             """,
            cancellation, LineSnapshot.TheId, QueueControl.StreamKey))[0];
    }

    /// <summary>
    /// Gives the fans of the pre-queue their places, in set-based statements inside the caller's transaction: each
    /// stream's version moves on, a PlaceDrawn is appended to it and its ticket view takes the place, as Marten writes
    /// them (a draw gives tens of thousands of places at once; Marten's own append is a call and a view update per
    /// stream). The caller holds the admission lock, so nothing else writes these streams meanwhile. Each placed fan's
    /// lapse moves to at least <paramref name="lapsesAt"/>: signs of life noted under their entry while the draw held
    /// their rows cannot be written once the place has changed, so the draw gives them a full wait instead.
    /// </summary>
    public static async Task PlaceDrawnAsync(IDocumentSession session, IReadOnlyList<(QueueTicket Ticket, long Seq)> placed,
        DateTimeOffset lapsesAt, CancellationToken cancellation)
    {
        var store = session.DocumentStore;
        var schema = store.Options.DatabaseSchemaName;
        var events = (EventGraph)store.Options.Events;
        var serializer = store.Options.Serializer();
        var eventType = events.EventMappingFor(typeof(PlaceDrawn));
        await using var command = new NpgsqlCommand(
            $"""
             with drawn as (
                 select * from unnest($1::text[], $2::uuid[], $3::jsonb[], $4::bigint[]) with ordinality d(stream_id, id, data, seq, turn)),
             bumped as (
                 update {schema}.mt_streams s set version = s.version + 1, timestamp = now()
                 from drawn d where s.id = d.stream_id
                 returning s.id, s.version),
             appended as (
                 insert into {schema}.mt_events (seq_id, id, stream_id, version, data, type, tenant_id, timestamp, mt_dotnet_type,
                                                 is_archived, correlation_id, headers)
                 select nextval('{schema}.mt_events_sequence'), d.id, d.stream_id, b.version, d.data, $5, $6, now(), $7, false, null, 'null'
                 from drawn d join bumped b on b.id = d.stream_id
                 order by d.turn
                 returning 1)
             update {schema}.mt_doc_queueticket t
             set seq = d.seq, lapses_at = greatest(t.lapses_at, $10),
                 data = jsonb_set(jsonb_set(t.data, $8::text[], to_jsonb(d.seq)), $9::text[], to_jsonb(greatest(t.lapses_at, $10))),
                 mt_version = b.version, mt_last_modified = transaction_timestamp()
             from drawn d join bumped b on b.id = d.stream_id where t.id = d.stream_id
             """, session.Connection)
        {
            // A draw of a few hundred thousand fans outlives the default 30 s; failing it would only start it over.
            CommandTimeout = 0,
            Parameters =
            {
                new NpgsqlParameter { Value = placed.Select(place => place.Ticket.Id).ToArray() },
                new NpgsqlParameter { Value = placed.Select(_ => Guid.CreateVersion7()).ToArray() },
                new NpgsqlParameter
                {
                    Value = placed.Select(place => serializer.ToJson(new PlaceDrawn(place.Ticket.Token, place.Seq))).ToArray(),
                    NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
                },
                new NpgsqlParameter { Value = placed.Select(place => place.Seq).ToArray() },
                new NpgsqlParameter { Value = eventType.EventTypeName },
                new NpgsqlParameter { Value = JasperFx.StorageConstants.DefaultTenantId },
                new NpgsqlParameter { Value = eventType.DotNetTypeName },
                new NpgsqlParameter { Value = new[] { nameof(QueueTicket.Seq) } },
                new NpgsqlParameter { Value = new[] { nameof(QueueTicket.LapsesAt) } },
                new NpgsqlParameter { Value = lapsesAt },
            },
        };
        await command.ExecuteNonQueryAsync(cancellation);
    }

    /// <summary>The places the fans' streams record for a draw's places, with the entry each fan held (support's audit).</summary>
    public static Task<IReadOnlyList<EntryPlace>> DrawnPlacesAsync(IQuerySession session, long firstSeq, int count,
        CancellationToken cancellation)
    {
        var events = (EventGraph)session.DocumentStore.Options.Events;
        return session.QueryAsync<EntryPlace>(
            $"""
             select json_build_object('Entry', -(i.data ->> '{nameof(TokenIssued.Seq)}')::bigint, 'Place', (p.data ->> '{nameof(PlaceDrawn.Seq)}')::bigint)
             from {events.DatabaseSchemaName}.mt_events p
             join {events.DatabaseSchemaName}.mt_events i on i.stream_id = p.stream_id and i.type = ?
                  and i.data ->> '{nameof(TokenIssued.Token)}' = p.data ->> '{nameof(PlaceDrawn.Token)}'
             where p.type = ? and (p.data ->> '{nameof(PlaceDrawn.Seq)}')::bigint between ? and ?
             """,
            cancellation, events.EventMappingFor(typeof(TokenIssued)).EventTypeName, events.EventMappingFor(typeof(PlaceDrawn)).EventTypeName,
            firstSeq, firstSeq + count - 1);
    }

    public static async Task<QueueControl> ControlAsync(IQuerySession session, CancellationToken cancellation) =>
        await session.LoadAsync<QueueControl>(QueueControl.StreamKey, cancellation) ?? QueueControl.Initial;
}

public sealed record LineWritten(DateTimeOffset? Line, DateTimeOffset? Control);

public sealed record EntryPlace(long Entry, long Place);

internal sealed record LineRow(LineSnapshot? Line, DateTimeOffset? LineWritten, QueueControl? Control, DateTimeOffset? ControlWritten);

/// <summary>A fan's turn in a batch of issues: the ticket they hold, whether their stream exists, and the place drawn for them if any.</summary>
public sealed record IssueTurn(Guid UserId, QueueTicket? Current, bool StreamExists, long? Seq);

