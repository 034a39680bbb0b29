using Alba;
using Concert.Api.Queue;
using Concert.Specs.Support;

namespace Concert.Specs.Queue;

/// <summary>A waiting fan's checks cost the database nothing; their signs of life are written in bulk, on time.</summary>
[Collection(QueueAppCollection.Name)]
public sealed class KeepingPlaces(QueueApp app) : QueueScenarios(app)
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.ChangeQueue(new { paused = true });
    }

    [Fact]
    public async Task checks_append_no_event_and_write_nothing_until_a_sign_of_life_is_due()
    {
        var fan = await Host.Issue(Guid.NewGuid());
        var issued = await TicketRow(fan);

        for (var second = 0; second < 30; second++)
        {
            App.Clock.Advance(TimeSpan.FromSeconds(1));
            await Host.Check(fan.Token);
        }

        await App.RunAdmission();
        (await TicketRow(fan)).ShouldBe(issued);

        App.Clock.Advance(TimeSpan.FromSeconds(40)); // the recorded lapse is now less than half a wait away
        await Host.Check(fan.Token);
        await App.RunAdmission();

        var written = await TicketRow(fan);
        written.Events.ShouldBe(1);
        written.LapsesAt.ShouldBe((App.Clock.GetUtcNow() + App.Options.WaitingTtl).UtcDateTime);
    }

    [Fact]
    public async Task a_fan_who_stops_checking_lapses_a_wait_after_the_last_check()
    {
        var fan = await Host.Issue(Guid.NewGuid());
        App.Clock.Advance(TimeSpan.FromSeconds(30));
        await Host.Check(fan.Token);
        var lastCheck = App.Clock.GetUtcNow();

        App.Clock.Advance(TimeSpan.FromSeconds(60));
        await App.RunAdmission(); // writes the last check down
        App.Clock.Advance(lastCheck + App.Options.WaitingTtl - TimeSpan.FromMilliseconds(1) - App.Clock.GetUtcNow());
        await App.RunAdmission();
        (await Overview()).Waiting.ShouldBe(1);

        App.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await App.RunAdmission();

        (await Overview()).Waiting.ShouldBe(0);
        (await App.ReadAsync<DateTime>(
                $"select (data ->> 'ExpiredAt')::timestamptz from concert.mt_events where type = 'token_expired' and stream_id = 'queue-{fan.UserId}'"))
            .ShouldBe((lastCheck + App.Options.WaitingTtl).UtcDateTime);
        await Host.CheckShouldBeRefused(fan.Token, "TOKEN_EXPIRED");
    }

    [Fact]
    public async Task a_fan_who_checks_just_before_each_lapse_keeps_the_place()
    {
        var ahead = await Host.Issue(Guid.NewGuid());
        var fan = await Host.Issue(Guid.NewGuid());

        for (var round = 0; round < 4; round++)
        {
            App.Clock.Advance(App.Options.WaitingTtl - TimeSpan.FromSeconds(1));
            await App.RunAdmission();
            await Host.Check(ahead.Token);
            await Host.Check(fan.Token);
        }

        (await Host.Check(fan.Token)).Position.ShouldBe(2);
        (await TicketRow(fan)).Events.ShouldBe(1);
    }

    [Fact]
    public async Task a_node_that_never_saw_the_fan_reads_the_place_and_writes_the_sign_of_life_when_due()
    {
        var fan = await Host.Issue(Guid.NewGuid());
        await using var otherNode = await App.StartHostAsync();

        App.Clock.Advance(TimeSpan.FromSeconds(100));
        var first = await otherNode.Check(fan.Token);
        await QueueApp.RunAdmission(otherNode);

        first.Position.ShouldBe(1);
        (await TicketRow(fan)).LapsesAt.ShouldBe((App.Clock.GetUtcNow() + App.Options.WaitingTtl).UtcDateTime);
    }

    [Fact]
    public async Task a_node_that_stops_first_writes_the_signs_of_life_it_holds()
    {
        var fan = await Host.Issue(Guid.NewGuid());
        var otherNode = await App.StartHostAsync();
        App.Clock.Advance(TimeSpan.FromSeconds(30));
        await otherNode.Check(fan.Token);
        App.Clock.Advance(TimeSpan.FromSeconds(10));
        await otherNode.Check(fan.Token);

        await otherNode.DisposeAsync();

        (await TicketRow(fan)).LapsesAt.ShouldBe((App.Clock.GetUtcNow() + App.Options.WaitingTtl).UtcDateTime);
    }

    private Task<QueueOverview> Overview() => Host.QueueOverview();

    private async Task<(long Events, DateTime LapsesAt)> TicketRow(QueueStatus fan) =>
        (await App.ReadAsync<long>($"select count(*) from concert.mt_events where stream_id = 'queue-{fan.UserId}'"),
            await App.ReadAsync<DateTime>($"select lapses_at from concert.mt_doc_queueticket where token = '{fan.Token}'"));
}
