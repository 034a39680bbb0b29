using Microsoft.AspNetCore.Hosting;

namespace Concert.Specs.Support;

/// <summary>
/// The service with a database pool of six connections that gives up waiting after three seconds: requests wait
/// for connections here, and a connection that is never given back shows within a few scenarios.
/// </summary>
public sealed class SmallPoolApp : SpecApp
{
    public const int PoolSize = 6;

    protected override void Configure(IWebHostBuilder web)
    {
        web.UseSetting("ConnectionStrings:Postgres", $"{ConnectionString};Maximum Pool Size={PoolSize};Timeout=3");
        web.UseSetting("Queue:MaxActive", "100000");
        web.UseSetting("Queue:AdmissionInterval", "00:00:00.050");
    }
}
