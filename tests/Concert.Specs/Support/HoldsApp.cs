using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Concert.Specs.Support;

/// <summary>
/// The service with a clock the scenario moves (starting at the real time, so the durable scheduler, which keeps the
/// machine's time, never delivers a hold's expiry during a scenario): a scenario lets a hold lapse by moving the clock
/// and runs the expiry itself. Admission runs on its own, often, with room for every fan.
/// </summary>
public sealed class HoldsApp : SpecApp
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public TimeSpan HoldDuration => Host.Services.GetRequiredService<Api.Reservations.HoldOptions>().Duration;

    /// <summary>Moves the clock to the moment the holds made until now have lapsed.</summary>
    public void LetHoldsLapse() => Clock.Advance(HoldDuration);

    protected override void Configure(IWebHostBuilder web)
    {
        web.UseSetting("Queue:MaxActive", "100000");
        web.UseSetting("Queue:AdmissionInterval", "00:00:00.050");
        web.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

[CollectionDefinition(Name)]
public sealed class HoldsAppCollection : ICollectionFixture<HoldsApp>
{
    public const string Name = "Holds app";
}

/// <summary>
/// The service on the real clock with two-second holds, for the one scenario that needs the durable scheduler itself to
/// deliver an expiry: after a restart.
/// </summary>
public sealed class RealTimeHoldsApp : SpecApp
{
    protected override void Configure(IWebHostBuilder web)
    {
        web.UseSetting("Queue:MaxActive", "100000");
        web.UseSetting("Queue:AdmissionInterval", "00:00:00.050");
        web.UseSetting("Holds:Duration", "00:00:02");
    }
}

[CollectionDefinition(Name)]
public sealed class RealTimeHoldsAppCollection : ICollectionFixture<RealTimeHoldsApp>
{
    public const string Name = "Real-time holds app";
}
