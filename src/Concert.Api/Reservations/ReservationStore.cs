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

    /// <summary>
    /// Reservation ids, handed out by each process from blocks of <see cref="Block"/> it draws from the sequence,
    /// so a hold does not pay a round trip for its id. Ids stay unique integers ≥ 1; they are not gap-free.
    /// </summary>
    public sealed class Ids
    {
        public const int Block = 100;

        private readonly Lock _gate = new();
        private long _next;
        private long _end;

        public async Task<long> NextAsync(IQuerySession session, CancellationToken cancellation)
        {
            lock (_gate)
            {
                if (_next < _end) return _next++;
            }

            var block = await Sequences.NextAsync(session, ReservationIds, cancellation);
            lock (_gate)
            {
                if (_next >= _end) (_next, _end) = (block * Block, block * Block + Block);
                return _next++;
            }
        }
    }
}

/// <summary>The Holds:* settings.</summary>
public sealed class HoldOptions
{
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(5);
}
