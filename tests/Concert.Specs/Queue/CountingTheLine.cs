using Alba;
using Concert.Api.Queue;
using Concert.Specs.Support;

namespace Concert.Specs.Queue;

/// <summary>Positions come from the admission run's count: exact once counted, never going up for a fan who keeps checking.</summary>
[Collection(QueueAppCollection.Name)]
public sealed class CountingTheLine(QueueApp app) : QueueScenarios(app)
{
    [Fact]
    public async Task once_a_run_has_counted_the_line_no_two_waiting_fans_share_a_position()
    {
        await Host.ChangeQueue(new { paused = true });

        // Issues race the counts: a count must never miss a place drawn but not yet committed.
        var issuing = Task.WhenAll(Enumerable.Range(0, 300).Select(_ => Task.Run(() => Host.Issue(Guid.NewGuid()))));
        var counting = Task.Run(async () =>
        {
            while (!issuing.IsCompleted) await App.RunAdmission();
        });
        var fans = await issuing;
        await counting;
        await App.RunAdmission();

        var positions = await Task.WhenAll(fans.Select(fan => Host.Check(fan.Token)));
        positions.Select(status => status.Position).Order().ShouldBe(Enumerable.Range(1, 300).Select(p => (long)p));
        (await Host.QueueOverview()).Waiting.ShouldBe(300);
        (await App.ReadAsync<long>("select count(*) from concert.mt_doc_queueticket where status = 0")).ShouldBe(300);
    }

    [Fact]
    public async Task positions_never_go_up_while_the_line_shrinks_ahead_and_grows_behind()
    {
        await Host.ChangeQueue(new { paused = true });
        var fans = new List<QueueStatus>();
        for (var i = 0; i < 9; i++) fans.Add(await Host.Issue(Guid.NewGuid()));
        var quitters = new[] { fans[1].Token, fans[4].Token };
        var told = fans.ToDictionary(fan => fan.Token, fan => fan.Position);

        for (var round = 0; round < 8; round++)
        {
            App.Clock.Advance(TimeSpan.FromSeconds(30));
            if (round == 5) await Host.ChangeQueue(new { paused = false }); // after the quitters lapsed: three are admitted
            await App.RunAdmission();
            fans.Add(await Host.Issue(Guid.NewGuid()));
            told[fans[^1].Token] = fans[^1].Position;

            foreach (var fan in fans.Where(fan => !quitters.Contains(fan.Token)))
            {
                var status = await Host.Check(fan.Token);
                status.Position.ShouldBeLessThanOrEqualTo(told[fan.Token], $"round {round}");
                told[fan.Token] = status.Position;
            }
        }

        await App.RunAdmission();
        var stillWaiting = fans.Where(fan => !quitters.Contains(fan.Token)).Skip(3).ToList();
        var final = await Task.WhenAll(stillWaiting.Select(fan => Host.Check(fan.Token)));
        final.Select(status => status.Position).ShouldBe(Enumerable.Range(1, stillWaiting.Count).Select(p => (long)p));
    }
}
