using Concert.Domain.Reservations;
using JasperFx.Events.Projections;
using Marten;
using Weasel.Postgresql;

namespace Concert.Api.Reservations;

/// <summary>How reservations live in Marten.</summary>
public static class ReservationStore
{
    private const string ReservationIds = "reservation_ids";

    public static void Configure(StoreOptions options)
    {
        options.Projections.Snapshot<Reservation>(SnapshotLifecycle.Inline);
        options.Storage.ExtendedSchemaObjects.Add(new Sequence(
            new PostgresqlObjectName(options.DatabaseSchemaName, ReservationIds, SchemaUtils.IdentifierUsage.General)));
    }

    public static async Task<long> NextIdAsync(IQuerySession session, CancellationToken cancellation) =>
        (await session.QueryAsync<long>(
            $"select nextval('{session.DocumentStore.Options.DatabaseSchemaName}.{ReservationIds}')", cancellation))[0];
}

/// <summary>The Holds:* settings.</summary>
public sealed class HoldOptions
{
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(5);
}
