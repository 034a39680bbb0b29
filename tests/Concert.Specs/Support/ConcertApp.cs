using Alba;
using JasperFx.CommandLine;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Wolverine;

namespace Concert.Specs.Support;

/// <summary>
/// The real service over HTTP, on a PostgreSQL database made for this test run and dropped after it.
/// The server comes from ConnectionStrings__Postgres (./concert test sets it).
/// </summary>
public sealed class ConcertApp : IAsyncLifetime
{
    public const string AdminKey = "specs-admin-key";

    private readonly NpgsqlConnectionStringBuilder _server = new(
        Environment.GetEnvironmentVariable("ConnectionStrings__Postgres")
        ?? "Host=127.0.0.1;Port=55432;Database=concert;Username=postgres");

    private readonly string _database = $"concert_specs_{Guid.NewGuid():N}";

    public IAlbaHost Host { get; private set; } = null!;

    /// <summary>The ACTIVE queue token of a fan admitted when the app started, for the gated reads of the specs.</summary>
    public string FanToken { get; private set; } = null!;

    public string ConnectionString => new NpgsqlConnectionStringBuilder(_server.ConnectionString) { Database = _database }.ConnectionString;

    public async Task InitializeAsync()
    {
        await ExecuteOnServer($"create database {_database}");

        JasperFxEnvironment.AutoStartHost = true;
        Host = await AlbaHost.For<Program>(web =>
        {
            web.UseEnvironment("Development");
            web.UseSetting("ConnectionStrings:Postgres", ConnectionString);
            web.UseSetting("Admin:ApiKey", AdminKey);
            web.UseSetting("Demo:SeedConcert", "false");
            web.UseSetting("Queue:MaxActive", "100000");
            web.UseSetting("Queue:AdmissionInterval", "00:00:00.050");
            web.ConfigureServices(services =>
            {
                services.RunWolverineInSoloMode();
                services.DisableAllExternalWolverineTransports();
            });
        });
        FanToken = (await Host.AdmittedFan()).Token;
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await ExecuteOnServer($"drop database if exists {_database} with (force)");
    }

    private async Task ExecuteOnServer(string sql)
    {
        var maintenance = new NpgsqlConnectionStringBuilder(_server.ConnectionString) { Database = "postgres" };
        await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ConcertAppCollection : ICollectionFixture<ConcertApp>
{
    public const string Name = "Concert app";
}
