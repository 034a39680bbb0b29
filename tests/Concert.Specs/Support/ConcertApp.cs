using Microsoft.Extensions.DependencyInjection;
using Wolverine;
using Microsoft.AspNetCore.Hosting;

namespace Concert.Specs.Support;

/// <summary>The service as fans meet it: admission runs on its own, often, with room for every fan of the specs.</summary>
public sealed class ConcertApp : SpecApp
{
    /// <summary>The ACTIVE queue token of a fan admitted when the app started, for the gated reads of the specs.</summary>
    public string FanToken { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        FanToken = (await Host.AdmittedFan()).Token;
    }

    protected override void Configure(IWebHostBuilder web)
    {
        web.UseSetting("Queue:MaxActive", "100000");
        web.UseSetting("Queue:AdmissionInterval", "00:00:00.050");
        // The specs' own endpoints (Platform/KeyingAnyEndpoint.cs) beside the service's.
        web.ConfigureServices(services => services.ConfigureWolverine(options =>
            options.Discovery.IncludeAssembly(typeof(ConcertApp).Assembly)));
    }
}

[CollectionDefinition(Name)]
public sealed class ConcertAppCollection : ICollectionFixture<ConcertApp>
{
    public const string Name = "Concert app";
}

/// <summary>
/// The service for the specs that walk the OpenAPI document: a fixture of its own, so the faults other specs cause (a
/// dropped connection, a paused report projection) do not reach the answers it checks.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DocumentAppCollection : ICollectionFixture<ConcertApp>
{
    public const string Name = "OpenAPI document";
}
