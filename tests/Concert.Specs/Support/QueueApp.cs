using Alba;
using Concert.Api.Queue;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Concert.Specs.Support;

/// <summary>
/// The service with a clock the scenario moves: admission runs only when a scenario says so (its own schedule
/// is out of reach of any clock move), three places at once, two-minute waits and ten-minute turns by default.
/// </summary>
public sealed class QueueApp : SpecApp
{
    public const int MaxActive = 3;

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));

    public QueueOptions Options => Host.Services.GetRequiredService<QueueOptions>();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();

        // The job's first run starts with the host; let it finish before any scenario empties the line.
        var store = Host.Services.GetRequiredService<IDocumentStore>();
        for (var waited = 0; waited < 200; waited++)
        {
            await using var query = store.QuerySession();
            if (await query.LoadAsync<LineSnapshot>(LineSnapshot.TheId) is not null) return;
            await Task.Delay(50);
        }

        throw new TimeoutException("the admission job never ran");
    }

    /// <summary>One admission run, as the job does every interval, after this node has written the signs of life that are due.</summary>
    public Task RunAdmission() => RunAdmission(Host);

    public static async Task RunAdmission(IAlbaHost host)
    {
        await host.Services.GetRequiredService<PresenceBook>().FlushAsync(CancellationToken.None);
        await host.Services.GetRequiredService<QueueAdmission>().RunOnceAsync(CancellationToken.None);
    }

    /// <summary>A line nobody stands in, with the operator's controls back to the configured ones.</summary>
    public async Task EmptyTheLine()
    {
        await Host.Services.GetRequiredService<IDocumentStore>().Advanced.ResetAllData();
        await RunAdmission();
    }

    protected override void Configure(IWebHostBuilder web)
    {
        web.UseSetting("Queue:MaxActive", MaxActive.ToString());
        web.UseSetting("Queue:AdmissionInterval", "30.00:00:00");
        web.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

[CollectionDefinition(Name)]
public sealed class QueueAppCollection : ICollectionFixture<QueueApp>
{
    public const string Name = "Queue app";
}
