using Concert.Api.Infrastructure;
using Concert.Domain.Reservations;
using JasperFx.Events.Projections;
using Marten;

namespace Concert.Api.Reservations;

/// <summary>How reservations live in Marten.</summary>
public static class ReservationStore
{
    private const string ReservationIds = "reservation_ids";

    public static void Configure(StoreOptions options)
    {
        options.Projections.Snapshot<Reservation>(SnapshotLifecycle.Inline);
        Sequences.Add(options, ReservationIds);
    }

    public static Task<long> NextIdAsync(IQuerySession session, CancellationToken cancellation) =>
        Sequences.NextAsync(session, ReservationIds, cancellation);
}

/// <summary>The Holds:* settings.</summary>
public sealed class HoldOptions
{
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(5);
}
