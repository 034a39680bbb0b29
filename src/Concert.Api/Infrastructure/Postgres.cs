using Concert.Api.Operations;
using Marten;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using System.Net.Sockets;
using Npgsql;

namespace Concert.Api.Infrastructure;

public static class Postgres
{
    /// <summary>
    /// ConnectionStrings:Postgres, with these defaults unless the operator set them: statement preparation and
    /// connection-state reuse (without them every request resets its connection and PostgreSQL re-plans every
    /// statement), and at most <see cref="DefaultMaxPoolSize"/> connections a pool.
    /// </summary>
    public static string ConnectionString(IConfiguration configuration)
    {
        var configured = configuration.GetConnectionString("Postgres");
        if (string.IsNullOrWhiteSpace(configured))
        {
            throw new InvalidOperationException(
                "ConnectionStrings:Postgres is not set. Run ./concert run, which starts a local PostgreSQL, or set ConnectionStrings__Postgres.");
        }

        var builder = new NpgsqlConnectionStringBuilder(configured);
        if (!Names(configured, "Max Auto Prepare", "MaxAutoPrepare")) builder.MaxAutoPrepare = 50;
        if (!Names(configured, "No Reset On Close", "NoResetOnClose")) builder.NoResetOnClose = true;
        if (!Names(configured, "Maximum Pool Size", "Max Pool Size", "MaxPoolSize")) builder.MaxPoolSize = DefaultMaxPoolSize;
        return builder.ConnectionString;
    }

    /// <summary>
    /// A pool's size. Under a rush every request wants a connection at once; past a few statements per core
    /// PostgreSQL only switches between them (on two cores a payment's p99 at 1,000/s doubled with 32, and 100
    /// made ~15 % fewer journeys than 16 or 20; 20 kept the charges' tail lower than 16). The surplus requests
    /// wait for a connection in the service, in turn. Bigger database servers set Maximum Pool Size.
    /// </summary>
    public const int DefaultMaxPoolSize = 20;

    /// <summary>
    /// The database could not serve the request for now: no pooled connection came free within the pool's Timeout, a
    /// statement ran past its CommandTimeout, PostgreSQL dropped the connection (a restart, a failover, a terminated
    /// backend) or refused a new one (too many connections), or a lock wait gave up. Npgsql calls these transient.
    /// What the request had begun was rolled back with its transaction (unless the failure struck the commit itself, and
    /// then a retry with its Idempotency-Key is answered from the committed outcome): 503, and the client may try again.
    /// </summary>
    public static bool IsUnavailable(Exception exception) =>
        exception is NpgsqlException { IsTransient: true }
        || IsOutOfStep(exception)
        || exception.InnerException is { } inner && IsUnavailable(inner);

    /// <summary>
    /// A connection whose prepared statements PostgreSQL and Npgsql no longer agree on: a statement Npgsql prepared is
    /// unknown to the server (26000), or the server's has other parameters (08P01), or Npgsql itself trips over its own
    /// state reading the answer (a NullReferenceException thrown by Npgsql), as pooled connections opened before a
    /// restart of PostgreSQL can meet (bench/faults.sh). The statement did not run; the connection cannot be trusted.
    /// </summary>
    public static bool IsOutOfStep(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.InvalidSqlStatementName or PostgresErrorCodes.ProtocolViolation }
            or NullReferenceException { Source: "Npgsql" }
        || exception.InnerException is { } inner && IsOutOfStep(inner);

    /// <summary>
    /// The server went away under a connection: the connection broke (an I/O or socket failure), or PostgreSQL is
    /// shutting down, crashed or is starting (57P01–57P03), or the connection failed (class 08). Not a timeout: a pool
    /// exhausted under a rush or a slow statement says nothing about the connections, and replacing them then would
    /// only deepen the rush.
    /// </summary>
    private static bool IsServerGone(Exception exception) =>
        exception is NpgsqlException { InnerException: IOException or SocketException }
            or PostgresException { SqlState: ['5', '7', 'P', ..] or ['0', '8', ..] }
        || exception.InnerException is { } inner && IsServerGone(inner);

    /// <summary>
    /// A failure that passes, for durable work to try again later: the database unavailable or out of step (above), a
    /// connection that broke under a transaction (Npgsql then disposes the transaction the work still holds), or a write
    /// conflict with another writer of the same stream.
    /// </summary>
    public static bool IsPassing(Exception exception) =>
        IsUnavailable(exception)
        || WriteConflicts.IsWriteConflict(exception)
        || exception is NpgsqlException and not PostgresException or ObjectDisposedException
        || exception.InnerException is { } inner && IsPassing(inner);

    /// <summary>
    /// After a failure that shows the server went away or connections out of step with it, every connection of the
    /// pool is replaced: idle ones at once, busy ones when they are given back. Connections opened before a restart of
    /// PostgreSQL are then never used again, and the next requests prepare their statements afresh.
    /// </summary>
    public static void RecoverFrom(Exception exception, NpgsqlDataSource database)
    {
        if (IsOutOfStep(exception) || IsServerGone(exception)) database.Clear();
    }

    /// <summary>
    /// Unavailable without an error of PostgreSQL's own (no connection, a broken one, the pool's timeout): nothing any one
    /// statement of the request did caused it, so trying its parts one at a time would only wait for the database again.
    /// </summary>
    public static bool IsUnreachable(Exception exception) => IsUnavailable(exception) && !AnsweredWithError(exception);

    private static bool AnsweredWithError(Exception? exception) =>
        exception is not null && (exception is PostgresException || AnsweredWithError(exception.InnerException));

    private static bool Names(string connectionString, params string[] keywords) =>
        keywords.Any(keyword => connectionString.Contains(keyword, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// Readiness: the service can serve only while PostgreSQL answers; Degraded (still 200) while dead letters wait for an
/// operator (docs/support.md). One connection of its own per probe: under a rush the requests' pool may have none free,
/// and a probe must not wait for one.
/// </summary>
public sealed class PostgresReadiness(IConfiguration configuration, IDocumentStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = new NpgsqlConnection(Postgres.ConnectionString(configuration));
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(
                $"select exists (select from {DeadLettersEndpoint.DeadLetterTable(store)} where archived_at is null)", connection);
            return await command.ExecuteScalarAsync(cancellationToken) is true
                ? HealthCheckResult.Degraded("Dead letters wait for an operator: GET /admin/dead-letters.")
                : HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL does not answer.");
        }
    }
}
