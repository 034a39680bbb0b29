using Concert.Api.Infrastructure;
using Concert.Domain.Catalog;
using JasperFx.Events.Projections;
using Marten;

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

        Sequences.Add(options, ConcertIds);
        Sequences.Add(options, ScheduleIds);
    }

    public static Task<long> NextConcertIdAsync(IQuerySession session, CancellationToken cancellation) =>
        Sequences.NextAsync(session, ConcertIds, cancellation);

    public static Task<IReadOnlyList<long>> NextScheduleIdsAsync(IQuerySession session, int count,
        CancellationToken cancellation) =>
        Sequences.NextAsync(session, ScheduleIds, count, cancellation);
}
