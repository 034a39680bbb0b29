using Concert.Api.Infrastructure;
using Concert.Domain.Reservations;
using JasperFx.Events.Projections;
using Marten;

namespace Concert.Api.Reservations;

/// <summary>How reservations live in Marten.</summary>
public static class ReservationStore
{
    public static void Configure(StoreOptions options)
    {
        options.Projections.Snapshot<Reservation>(SnapshotLifecycle.Inline);
        Sequences.Add(options, ReservationIds.Sequence);
    }
}

/// <summary>Reservation ids: see <see cref="IdBlocks"/>.</summary>
public sealed class ReservationIds() : IdBlocks(Sequence)
{
    public const string Sequence = "reservation_ids";
}

/// <summary>The Holds:* settings.</summary>
public sealed class HoldOptions
{
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(5);
}
