using Concert.Api.Queue;
using Concert.Api.Support;
using Concert.Domain.Queue;
using Concert.Specs.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Concert.Specs.Queue;

/// <summary>
/// A sale with an opening: fans who come before it stand in a pre-queue with no place, and at the opening they are
/// drawn once, by a recorded seed, ahead of everyone who comes after.
/// </summary>
[Collection(QueueAppCollection.Name)]
public sealed class OpeningTheSale(QueueApp app) : QueueScenarios(app)
{
    private DateTimeOffset OpensAt => App.Clock.GetUtcNow().AddMinutes(1);

    [Fact]
    public async Task fans_before_the_opening_wait_without_a_place_and_are_drawn_ahead_of_everyone_after()
    {
        var opensAt = OpensAt;
        (await Host.ChangeQueue(new { opensAt })).OpensAt.ShouldBe(opensAt);
        var early = new List<QueueStatus>();
        for (var i = 0; i < 6; i++) early.Add(await Host.Issue(Guid.NewGuid()));
        await App.RunAdmission();
        var beforeOpening = await Host.Check(early[0].Token);

        App.Clock.Advance(TimeSpan.FromMinutes(1));
        foreach (var fan in early) await Host.Check(fan.Token); // still there at the opening
        await App.RunAdmission();
        var late = new[] { await Host.Issue(Guid.NewGuid()), await Host.Issue(Guid.NewGuid()) };
        var drawnFans = new List<QueueStatus>();
        foreach (var fan in early) drawnFans.Add(await Host.Check(fan.Token));

        early.ShouldAllBe(fan => fan.Status == QueueStanding.PreQueue && fan.OpensAt == opensAt && !fan.Active);
        (beforeOpening.Status, beforeOpening.Position, beforeOpening.EtaSeconds).ShouldBe((QueueStanding.PreQueue, 6L, 60L));
        drawnFans.Count(fan => fan.Active).ShouldBe(QueueApp.MaxActive);
        drawnFans.Where(fan => !fan.Active).Select(fan => fan.Position).Order().ShouldBe([1L, 2L, 3L]);
        late.Select(fan => (fan.Status, fan.Position)).ShouldBe([(QueueStanding.Waiting, 4L), (QueueStanding.Waiting, 5L)]);
        (await Host.QueueOverview()).OpensAt.ShouldBeNull();
    }

    [Fact]
    public async Task a_fan_entering_the_pre_queue_on_another_node_is_told_the_opening_the_operator_just_set()
    {
        await using var other = await App.StartHostAsync();
        await other.Services.GetRequiredService<LineView>().RefreshAsync(CancellationToken.None); // a copy from before the change
        var opensAt = OpensAt;
        await Host.ChangeQueue(new { opensAt });

        var entered = await other.Issue(Guid.NewGuid());

        (entered.Status, entered.OpensAt, entered.EtaSeconds).ShouldBe((QueueStanding.PreQueue, opensAt, 60L));
    }

    [Fact]
    public async Task the_recorded_draw_replays_to_the_places_the_fans_were_given()
    {
        await Host.AdminGetRefused("/admin/support/queue/draw", 404);
        await Host.ChangeQueue(new { opensAt = OpensAt });
        var early = new List<QueueStatus>();
        for (var i = 0; i < 5; i++) early.Add(await Host.Issue(Guid.NewGuid()));
        App.Clock.Advance(TimeSpan.FromMinutes(1));
        foreach (var fan in early) await Host.Check(fan.Token);
        await App.RunAdmission();

        var drawn = (await Host.EventsOf(QueueControl.StreamKey)).OfType<PreQueueDrawn>().Single();
        var (order, matches) = PreQueueDraw.Replay(drawn);
        var placeOfEntry = new Dictionary<long, long>();
        foreach (var fan in early)
        {
            var stream = await Host.EventsOf(QueueTicket.StreamKey(fan.UserId));
            placeOfEntry[-stream.OfType<TokenIssued>().Single().Seq] = stream.OfType<PlaceDrawn>().Single().Seq;
        }

        matches.ShouldBeTrue();
        drawn.Count.ShouldBe(5);
        order.Select(entry => placeOfEntry[entry]).ShouldBe(Enumerable.Range(0, 5).Select(i => drawn.FirstSeq + i));
        var audit = await Host.AdminGet<DrawAudit>("/admin/support/queue/draw");
        (audit.Matches, audit.PlacesMatch, audit.Count, audit.ReplayedDigest).ShouldBe((true, true, 5, drawn.Digest));
        audit.Order.ShouldBe(order);
    }

    [Fact]
    public async Task a_fan_who_stops_checking_before_the_opening_is_not_drawn()
    {
        await Host.ChangeQueue(new { opensAt = App.Clock.GetUtcNow() + App.Options.WaitingTtl + TimeSpan.FromSeconds(30) });
        var gone = await Host.Issue(Guid.NewGuid());
        var staying = await Host.Issue(Guid.NewGuid());
        App.Clock.Advance(App.Options.WaitingTtl / 2 + TimeSpan.FromSeconds(1));
        await Host.Check(staying.Token);
        await App.RunAdmission(); // the sign of life written
        App.Clock.Advance(App.Options.WaitingTtl / 2 + TimeSpan.FromSeconds(29));
        await Host.Check(staying.Token);
        await App.RunAdmission();

        var drawn = (await Host.EventsOf(QueueControl.StreamKey)).OfType<PreQueueDrawn>().Single();
        drawn.Count.ShouldBe(1);
        (await Host.EventsOf(QueueTicket.StreamKey(gone.UserId))).OfType<PlaceDrawn>().ShouldBeEmpty();
        await Host.CheckShouldBeRefused(gone.Token, "TOKEN_EXPIRED");
        (await Host.Check(staying.Token)).Active.ShouldBeTrue();
    }

    [Fact]
    public async Task the_draw_happens_once_however_many_nodes_run_at_the_opening_and_after_a_restart()
    {
        await Host.ChangeQueue(new { opensAt = OpensAt });
        var early = new List<QueueStatus>();
        for (var i = 0; i < 4; i++) early.Add(await Host.Issue(Guid.NewGuid()));
        await using var other = await App.StartHostAsync(web => web.ConfigureServices(services =>
            services.AddSingleton<TimeProvider>(App.Clock)));
        App.Clock.Advance(TimeSpan.FromMinutes(1));

        await Task.WhenAll(App.RunAdmission(), QueueApp.RunAdmission(other), App.RunAdmission(), QueueApp.RunAdmission(other));
        await App.RestartAsync();
        await App.RunAdmission();

        var control = await Host.EventsOf(QueueControl.StreamKey);
        control.OfType<PreQueueDrawn>().Single().Count.ShouldBe(4);
        control.OfType<PreQueueJoinedLine>().ShouldBeEmpty();
        foreach (var fan in early) (await Host.EventsOf(QueueTicket.StreamKey(fan.UserId))).OfType<PlaceDrawn>().Count().ShouldBe(1);
    }

    [Fact]
    public async Task an_opening_called_off_lets_the_pre_queue_into_the_line_in_arrival_order()
    {
        await Host.ChangeQueue(new { opensAt = OpensAt, maxActive = 1 });
        var early = new List<QueueStatus>();
        for (var i = 0; i < 4; i++) early.Add(await Host.Issue(Guid.NewGuid()));

        (await Host.ChangeQueue(new { cancelOpening = true })).OpensAt.ShouldBeNull();
        await App.RunAdmission();
        var placed = new List<QueueStatus>();
        foreach (var fan in early) placed.Add(await Host.Check(fan.Token));

        placed.Select(fan => (fan.Active, fan.Position)).ShouldBe([(true, 0L), (false, 1L), (false, 2L), (false, 3L)]);
        var control = await Host.EventsOf(QueueControl.StreamKey);
        control.OfType<PreQueueDrawn>().ShouldBeEmpty();
        control.OfType<PreQueueJoinedLine>().Single().Count.ShouldBe(4);
    }

    [Fact]
    public async Task a_fan_who_comes_between_the_call_off_and_the_next_run_stands_behind_the_pre_queue()
    {
        await Host.ChangeQueue(new { opensAt = OpensAt, maxActive = 1 });
        var early = await Host.Issue(Guid.NewGuid());
        await Host.ChangeQueue(new { cancelOpening = true });

        var between = await Host.Issue(Guid.NewGuid());
        await App.RunAdmission();

        between.Status.ShouldBe(QueueStanding.PreQueue);
        (await Host.Check(early.Token)).Active.ShouldBeTrue();
        (await Host.Check(between.Token)).Position.ShouldBe(1);
    }
}
