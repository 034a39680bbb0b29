using Concert.Domain.Catalog;
using JasperFx.Events.Projections;
using Marten;
using Weasel.Postgresql;

namespace Concert.Api.Catalog;

/// <summary>How the catalog lives in Marten: its inline views and the sequences that number concerts and schedules.</summary>
public static class CatalogStore
{
    private const string ConcertIds = "concert_ids";
    private const string ScheduleIds = "schedule_ids";

    public static void Configure(StoreOptions options)
    {
        options.Projections.Snapshot<ConcertListing>(SnapshotLifecycle.Inline);

        // One row per seat, written only by its own stream: concurrent holds on different seats never rewrite
        // a shared row, so the seat map and availableCount stay exact.
        options.Projections.Snapshot<Seat>(SnapshotLifecycle.Inline);
        options.Schema.For<Seat>()
            .Duplicate(seat => seat.ScheduleId)
            .Duplicate(seat => seat.ConcertId);

        foreach (var sequence in new[] { ConcertIds, ScheduleIds })
        {
            options.Storage.ExtendedSchemaObjects.Add(
                new Sequence(new PostgresqlObjectName(options.DatabaseSchemaName, sequence, SchemaUtils.IdentifierUsage.General)));
        }
    }

    public static async Task<long> NextConcertIdAsync(IQuerySession session, CancellationToken cancellation) =>
        (await NextAsync(session, ConcertIds, 1, cancellation))[0];

    public static Task<IReadOnlyList<long>> NextScheduleIdsAsync(IQuerySession session, int count,
        CancellationToken cancellation) =>
        NextAsync(session, ScheduleIds, count, cancellation);

    private static Task<IReadOnlyList<long>> NextAsync(IQuerySession session, string sequence, int count,
        CancellationToken cancellation) =>
        session.QueryAsync<long>(
            $"select nextval('{session.DocumentStore.Options.DatabaseSchemaName}.{sequence}') from generate_series(1, ?)",
            cancellation, count);
}
