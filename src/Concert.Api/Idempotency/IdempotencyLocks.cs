using System.Data;
using Concert.Api.Infrastructure;
using Concert.Api.Queue;
using Concert.Domain.Queue;
using Marten;
using Npgsql;

namespace Concert.Api.Idempotency;

/// <summary>
/// Session-level advisory locks on idempotency keys, on connections of their own: held while a first execution
/// runs, so a concurrent duplicate is told it is in flight without a write, and released by PostgreSQL if the
/// process dies.
/// </summary>
public sealed class IdempotencyLocks(string connectionString) : IAsyncDisposable
{
    /// <summary>
    /// The most keys held at once. A held key's connection sits idle while its request runs, so it costs PostgreSQL
    /// a backend, not a core: held to the service's small pool, keyed requests queued for a key behind the very
    /// writes they were waiting to make (journeys paced at 315/s: writes' p50 134 ms). With the service's pool,
    /// 84 connections, under PostgreSQL's default of 100.
    /// </summary>
    public const int MostKeysHeld = 64;

    private readonly NpgsqlDataSource _connections = NpgsqlDataSource.Create(
        new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = MostKeysHeld }.ConnectionString);

    /// <summary>One round trip for a keyed request (<see cref="QueueStore.TicketAndKeyLockBatch"/>).</summary>
    /// <param name="routeAndKey">What follows the fan's id in the record id: "|METHOD route|key".</param>
    /// <returns>
    /// The ticket (null for an unknown token, and then nothing is locked), the held lock (null when another
    /// request holds the key), and the stored outcome if any.
    /// </returns>
    public async Task<(QueueTicket? Ticket, HeldKey? Held, IdempotencyRecord? Stored)> TryTakeAsync(string token,
        string routeAndKey, IDocumentStore store, CancellationToken cancellation)
    {
        var connection = await _connections.OpenConnectionAsync(cancellation);
        try
        {
            var serializer = store.Options.Serializer();
            var (ticket, taken, stored) = ((QueueTicket?)null, false, (IdempotencyRecord?)null);
            await using (var take = QueueStore.TicketAndKeyLockBatch(connection, store.Options.DatabaseSchemaName, token, routeAndKey))
            await using (var reader = await take.ExecuteReaderAsync(cancellation))
            {
                if (await reader.ReadAsync(cancellation))
                {
                    ticket = serializer.FromJson<QueueTicket>(reader, 0);
                    taken = reader.GetBoolean(1);
                    await reader.NextResultAsync(cancellation);
                    if (await reader.ReadAsync(cancellation)) stored = serializer.FromJson<IdempotencyRecord>(reader, 0);
                }
            }

            if (taken) return (ticket, new HeldKey(connection), stored);
            await connection.DisposeAsync();
            return (ticket, null, stored);
        }
        catch (Exception e)
        {
            // Cancelled or failed midway: the batch may have taken the lock, and a pooled connection keeps it.
            Postgres.RecoverFrom(e, _connections);
            try
            {
                await new HeldKey(connection).DisposeAsync();
            }
            catch (Exception) when (Postgres.IsUnavailable(e))
            {
                // The connection is as broken as the batch found it; the pool is being replaced. The batch's failure
                // is the one to answer.
            }

            throw;
        }
    }

    public ValueTask DisposeAsync() => _connections.DisposeAsync();

    public sealed class HeldKey(NpgsqlConnection connection) : IAsyncDisposable
    {
        private bool _released;

        public async Task ReleaseAsync()
        {
            if (_released) return;
            _released = true;
            if (connection.State != ConnectionState.Open) return; // broken: PostgreSQL ended its session, and its locks
            try
            {
                await using var release = new NpgsqlCommand("select pg_advisory_unlock_all()", connection);
                await release.ExecuteNonQueryAsync();
            }
            catch (NpgsqlException)
            {
                // The unlock did not run (mostly: the connection broke, and the key went with its session). Should the
                // session live on, it still holds the key: closed instead of pooled, it lets go of it.
                NpgsqlConnection.ClearPool(connection);
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await ReleaseAsync();
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }
}
