using System.Net.Http.Json;
using Concert.Api.Infrastructure;
using Concert.Api.Queue;
using Concert.Specs.Support;

namespace Concert.Specs.Platform;

public sealed class AbandonedRequests(SmallPoolApp app) : IClassFixture<SmallPoolApp>
{
    [Fact]
    public async Task fans_who_give_up_while_requests_wait_for_a_connection_leave_every_connection_behind()
    {
        var payer = await app.Host.AdmittedFan();
        var client = app.Host.Server.CreateClient();
        for (var round = 0; round < 25; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, 40).Select(fan => GiveUpSoon(fan % 2 == 0
                ? new HttpRequestMessage(HttpMethod.Post, "/waiting/issue") { Content = JsonContent.Create(new { userId = Guid.NewGuid() }) }
                : new HttpRequestMessage(HttpMethod.Patch, $"/users/{payer.UserId}/charge")
                {
                    Content = JsonContent.Create(new { amount = 1000 }),
                    Headers = { { QueueGate.TokenHeader, payer.Token }, { Idempotency.KeyHeader, Guid.NewGuid().ToString() } },
                })));
        }

        // Had the abandoned requests kept their connections, the pool would have none left for these fans.
        await Task.WhenAll(Enumerable.Range(0, SmallPoolApp.PoolSize).Select(_ => app.Host.Issue(Guid.NewGuid())));

        async Task GiveUpSoon(HttpRequestMessage request)
        {
            using var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 40)));
            try
            {
                using var _ = await client.SendAsync(request, giveUp.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
