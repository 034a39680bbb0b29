using Alba;
using Concert.Api.Queue;
using Concert.Specs.Support;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace Concert.Specs.Queue;

/// <summary>Two processes of the service on one database answer alike and admit once.</summary>
[Collection(QueueAppCollection.Name)]
public sealed class SeveralNodes(QueueApp app) : QueueScenarios(app)
{
    [Fact]
    public async Task a_token_issued_on_one_node_checks_on_the_other_at_the_same_place()
    {
        await using var other = await App.StartHostAsync();
        await Host.ChangeQueue(new { paused = true });
        var fans = new List<QueueStatus>();
        for (var i = 0; i < 6; i++) fans.Add(await (i % 2 == 0 ? Host : other).Issue(Guid.NewGuid()));
        await App.RunAdmission();
        await other.Services.GetRequiredService<LineView>().RefreshAsync(CancellationToken.None);

        var here = await Task.WhenAll(fans.Select(fan => Host.Check(fan.Token)));
        var there = await Task.WhenAll(fans.Select(fan => other.Check(fan.Token)));

        there.Select(status => status.Position).ShouldBe(here.Select(status => status.Position));
        here.Select(status => status.Position).ShouldBe([1, 2, 3, 4, 5, 6]);
    }

    /// <summary>
    /// Killing a node cannot happen in-process, so this reads the bound the settings give: a node's agents (the reports'
    /// projections) move when a live node's health check finds it stale. The fault suite kills a node and measures it.
    /// </summary>
    [Fact]
    public void a_node_that_dies_hands_its_agents_over_within_ten_seconds()
    {
        var durability = Host.Services.GetRequiredService<WolverineOptions>().Durability;

        (durability.StaleNodeTimeout + durability.HealthCheckPollingTime).ShouldBeLessThanOrEqualTo(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task admission_runs_of_two_nodes_at_once_admit_each_place_once()
    {
        await using var other = await App.StartHostAsync();
        var fans = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => (i % 2 == 0 ? Host : other).Issue(Guid.NewGuid()))));

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => QueueApp.RunAdmission(i % 2 == 0 ? Host : other))));
        await other.Services.GetRequiredService<LineView>().RefreshAsync(CancellationToken.None);

        var statuses = await Task.WhenAll(fans.Select(fan => other.Check(fan.Token)));
        statuses.Count(status => status.Active).ShouldBe(QueueApp.MaxActive);
        statuses.Where(status => status.Active).Select(status => status.Token)
            .ShouldBe(fans.OrderBy(fan => fan.Position).Take(QueueApp.MaxActive).Select(fan => fan.Token), ignoreOrder: true);
        (await App.ReadAsync<long>("select count(*) from concert.mt_events where type = 'token_admitted'")).ShouldBe(QueueApp.MaxActive);
        statuses.Where(status => !status.Active).Select(status => status.Position).Order().ShouldBe(Enumerable.Range(1, 7).Select(p => (long)p));
    }
}
