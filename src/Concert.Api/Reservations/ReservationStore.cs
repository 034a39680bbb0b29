using JasperFx.Events;
using Concert.Domain.Catalog;
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
        // The overdue-hold sweep asks only about reservations still on hold: an index of just those, however many
        // reservations a rush leaves behind.
        options.Schema.For<Reservation>().Duplicate(reservation => reservation.Status, configure: index =>
        {
            index.Name = "mt_doc_reservation_idx_on_hold";
            index.Predicate = OnHold;
        })
            // A fan's own reservations (GET /users/{userId}/reservations).
            .Duplicate(reservation => reservation.UserId);
        Sequences.Add(options, ReservationIds.Sequence);
    }

    // A SQL literal, not a parameter, so PostgreSQL's generic plans can use the partial index.
    private static readonly string OnHold = $"status = {(int)ReservationStatus.OnHold}";

    /// <summary>The seat of a fan's own reservation, read for writing; null when the reservation is not theirs (or none).</summary>
    public static async Task<IEventStream<Seat>?> FetchOwnSeatForWritingAsync(IDocumentSession session, Reservation? reservation,
        Guid fan, CancellationToken cancellation) =>
        reservation is { } held && held.UserId == fan
            ? await session.Events.FetchForWriting<Seat>(Seat.StreamKey(held.ScheduleId, held.SeatNumber), cancellation)
            : null;

    /// <summary>Reservations still on hold whose hold lapsed before <paramref name="before"/>, the oldest first.</summary>
    public static Task<IReadOnlyList<long>> OverdueHoldsAsync(IQuerySession session, DateTimeOffset before, int count,
        CancellationToken cancellation) =>
        session.QueryAsync<long>(
            $"""
             select (data ->> '{nameof(Reservation.ReservationId)}')::bigint
             from {session.DocumentStore.Options.DatabaseSchemaName}.mt_doc_reservation
             where {OnHold} and (data ->> '{nameof(Reservation.HoldExpiresAt)}')::timestamptz < ?
             order by (data ->> '{nameof(Reservation.HoldExpiresAt)}')::timestamptz
             limit ?
             """,
            cancellation, before, count);

    /// <summary>The members of Marten's JSON that this store's SQL reads by name.</summary>
    public static readonly IReadOnlyList<(Type Document, string Member)> JsonMembersInSql =
    [
        (typeof(Reservation), nameof(Reservation.ReservationId)),
        (typeof(Reservation), nameof(Reservation.HoldExpiresAt)),
    ];
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

    /// <summary>How often each node looks for holds whose expiry was not recorded (<see cref="OverdueHoldSweep"/>).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long past its expiry a hold is left to its scheduled expiry before the sweep records it.</summary>
    public TimeSpan SweepAfter { get; set; } = TimeSpan.FromSeconds(30);
}
