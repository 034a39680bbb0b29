using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Concert.Api.Infrastructure;

public static class Postgres
{
    /// <summary>
    /// ConnectionStrings:Postgres, with statement preparation and connection-state reuse turned on unless the
    /// operator set them: without them every request resets its connection and PostgreSQL re-plans every statement.
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
        if (!configured.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 50;
        }

        if (!configured.Contains("No Reset On Close", StringComparison.OrdinalIgnoreCase))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }
}

/// <summary>Readiness: the service can serve only while PostgreSQL answers.</summary>
public sealed class PostgresReadiness(IConfiguration configuration) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = new NpgsqlConnection(Postgres.ConnectionString(configuration));
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("select 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL does not answer.");
        }
    }
}
