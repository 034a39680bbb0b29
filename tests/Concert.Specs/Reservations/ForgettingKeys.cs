using Concert.Api.Idempotency;
using Alba;
using Concert.Api.Infrastructure;
using Concert.Specs.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Concert.Specs.Reservations;

[Collection(QueueAppCollection.Name)]
public sealed class ForgettingKeys(QueueApp app) : QueueScenarios(app)
{
    [Fact]
    public async Task an_idempotency_key_is_kept_24_hours_then_purged()
    {
        var concert = await Host.OpenConcertWithNights("2027-04-01T19:00:00");
        var issued = await Host.Issue(Guid.NewGuid());
        await App.RunAdmission();
        var fan = new Fan(issued.UserId, issued.Token);
        await Host.Hold(fan, concert, 1, key: "old", expectedStatus: 201);
        App.Clock.Advance(TimeSpan.FromHours(23));
        var purge = Host.Services.GetServices<IHostedService>().OfType<IdempotencyPurge>().Single();

        await purge.PurgeAsync(CancellationToken.None);
        var keptAfter23Hours = await StoredKeys();
        App.Clock.Advance(TimeSpan.FromHours(1));
        await purge.PurgeAsync(CancellationToken.None);

        keptAfter23Hours.ShouldBe(1);
        (await StoredKeys()).ShouldBe(0);
    }

    private async Task<int> StoredKeys()
    {
        await using var session = Host.DocumentStore().QuerySession();
        return await session.Query<IdempotencyRecord>().CountAsync();
    }
}
