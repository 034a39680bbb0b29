using Microsoft.AspNetCore.Hosting;

namespace Concert.Specs.Support;

/// <summary>The service with two-second holds, so that expiries happen within a scenario.</summary>
public sealed class HoldsApp : SpecApp
{
    public static readonly TimeSpan HoldDuration = TimeSpan.FromSeconds(2);

    protected override void Configure(IWebHostBuilder web)
    {
        web.UseSetting("Queue:MaxActive", "100000");
        web.UseSetting("Queue:AdmissionInterval", "00:00:00.050");
        web.UseSetting("Holds:Duration", HoldDuration.ToString());
    }
}

[CollectionDefinition(Name)]
public sealed class HoldsAppCollection : ICollectionFixture<HoldsApp>
{
    public const string Name = "Holds app";
}
