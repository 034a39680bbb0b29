using Alba;
using JasperFx.CommandLine;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Wolverine;

namespace Concert.Specs.Support;

/// <summary>
/// The real service over HTTP, on a PostgreSQL database made for this fixture and dropped after it.
/// The server comes from ConnectionStrings__Postgres (./concert test sets it).
/// </summary>
public abstract class SpecApp : IAsyncLifetime
{
    public const string AdminKey = "specs-admin-key";

    private readonly NpgsqlConnectionStringBuilder _server = new(
        Environment.GetEnvironmentVariable("ConnectionStrings__Postgres")
        ?? "Host=127.0.0.1;Port=55432;Database=concert;Username=postgres");

    private readonly string _database = $"concert_specs_{Guid.NewGuid():N}";

    public IAlbaHost Host { get; private set; } = null!;

    public string ConnectionString =>
        new NpgsqlConnectionStringBuilder(_server.ConnectionString) { Database = _database }.ConnectionString;

    public virtual async Task InitializeAsync()
    {
        await CreateDatabaseAsync();
        Host = await StartHostAsync();
    }

    protected Task CreateDatabaseAsync() => ExecuteOnServer($"create database {_database}");

    /// <summary>Stops the service and starts a new process of it on the same database, as after a crash or a deploy.</summary>
    public async Task RestartAsync()
    {
        await Host.DisposeAsync();
        Host = await StartHostAsync();
    }

    /// <summary>Another process of the service on the same database, as a second node, with settings of its own if given.</summary>
    public Task<IAlbaHost> StartHostAsync(Action<IWebHostBuilder>? settings = null)
    {
        JasperFxEnvironment.AutoStartHost = true;
        return AlbaHost.For<Program>(web =>
        {
            web.UseEnvironment("Development");
            web.UseSetting("ConnectionStrings:Postgres", ConnectionString);
            web.UseSetting("Admin:ApiKey", AdminKey);
            web.UseSetting("Demo:SeedConcert", "false");
            // Every request of the specs comes from one address: the limits are off but where a spec sets them.
            web.UseSetting("RateLimits:IssuesPerSecond", "0");
            web.UseSetting("RateLimits:MalformedPerMinute", "0");
            web.UseSetting("Logging:LogLevel:Default", "Warning");
            Configure(web);
            settings?.Invoke(web);
            web.ConfigureServices(services =>
            {
                services.RunWolverineInSoloMode();
                services.DisableAllExternalWolverineTransports();
            });
        });
    }

    public virtual async Task DisposeAsync()
    {
        if (Host is not null) await Host.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await ExecuteOnServer($"drop database if exists {_database} with (force)");
    }

    /// <summary>One value read straight from this fixture's database (the first column of the first row).</summary>
    public async Task<T> ReadAsync<T>(string sql) =>
        (T)(await RunAsync(ConnectionString, sql, command => command.ExecuteScalarAsync()))!;

    /// <summary>SQL run straight on this fixture's database, as an operator (or a fault) would.</summary>
    public Task ExecuteAsync(string sql) => RunAsync(ConnectionString, sql, command => command.ExecuteNonQueryAsync());

    /// <summary>The settings and services of this fixture's kind of scenario.</summary>
    protected abstract void Configure(IWebHostBuilder web);

    private Task ExecuteOnServer(string sql) =>
        RunAsync(new NpgsqlConnectionStringBuilder(_server.ConnectionString) { Database = "postgres" }.ConnectionString, sql,
            command => command.ExecuteNonQueryAsync());

    private static async Task<TResult> RunAsync<TResult>(string connectionString, string sql, Func<NpgsqlCommand, Task<TResult>> run)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await run(command);
    }
}
