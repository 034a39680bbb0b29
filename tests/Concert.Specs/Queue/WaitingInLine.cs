using Concert.Domain.Queue;
using Alba;
using Concert.Api.Queue;
using Concert.Specs.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Concert.Specs.Queue;

[Collection(QueueAppCollection.Name)]
public sealed class WaitingInLine(QueueApp app) : QueueScenarios(app)
{
    [Fact]
    public async Task a_fan_gets_a_token_their_place_and_its_expiry()
    {
        var userId = Guid.NewGuid();

        var result = await Host.Scenario(s =>
        {
            s.Post.Json(new { userId }).ToUrl("/waiting/issue");
            s.StatusCodeShouldBe(200);
            s.Header(QueueStatus.PositionHeader).SingleValueShouldEqual("1");
        });

        var body = await result.ReadObject();
        body["userId"]!.GetValue<string>().ShouldBe(userId.ToString());
        body["position"]!.GetValue<long>().ShouldBe(1);
        body["active"]!.GetValue<bool>().ShouldBeFalse();
        var expiresAt = body["expiresAt"]!.GetValue<string>();
        expiresAt.ShouldEndWith("Z");
        DateTimeOffset.Parse(expiresAt).ShouldBe(App.Clock.GetUtcNow() + App.Options.WaitingTtl);
        QueueTokens.IsWellFormed(body["token"]!.GetValue<string>()).ShouldBeTrue();
    }

    [Fact]
    public async Task a_fan_further_back_is_told_to_check_less_often_and_never_so_rarely_that_the_token_lapses()
    {
        var fans = new List<QueueStatus>();
        for (var i = 0; i < 3; i++) fans.Add(await Host.Issue(Guid.NewGuid()));

        var checks = new List<QueueStatus>();
        foreach (var fan in fans) checks.Add(await Host.Check(fan.Token));

        checks.Select(check => check.PollAfterSeconds).ShouldBeInOrder(SortDirection.Ascending);
        checks[0].PollAfterSeconds.ShouldBeLessThan(checks[^1].PollAfterSeconds);
        checks.ShouldAllBe(check => check.PollAfterSeconds == WaitingLine.PollAfterSeconds(check.EtaSeconds, App.Options.WaitingTtl));
        checks.ShouldAllBe(check => check.PollAfterSeconds * 4 <= App.Options.WaitingTtl.TotalSeconds);
    }

    [Fact]
    public async Task a_full_line_refuses_new_places_with_a_wait_but_gives_a_fan_in_it_their_token_back()
    {
        await using var limited = await App.StartHostAsync(web => web.UseSetting("Queue:MaxWaiting", "2"));
        var (first, second, third) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var firstPlace = await limited.Issue(first);
        await limited.Issue(second);

        var refused = await limited.Scenario(s =>
        {
            s.Post.Json(new { userId = third }).ToUrl("/waiting/issue");
            s.StatusCodeShouldBe(503);
        });
        var again = await limited.Issue(first);
        await QueueApp.RunAdmission(limited);
        var afterAdmission = await limited.Issue(third);

        await refused.ShouldBeProblem(503, "QUEUE_FULL");
        refused.Context.Response.Headers.RetryAfter.ToString().ShouldBe("10");
        again.Token.ShouldBe(firstPlace.Token);
        afterAdmission.Position.ShouldBe(1);
    }

    [Fact]
    public async Task one_client_address_holds_at_most_its_share_of_live_tokens()
    {
        await using var limited = await App.StartHostAsync(web => web.UseSetting("Queue:MaxTokensPerClient", "2"));
        var (first, second, third) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var firstPlace = await limited.Issue(first);
        await limited.Issue(second);

        var refused = await limited.Scenario(s =>
        {
            s.Post.Json(new { userId = third }).ToUrl("/waiting/issue");
            s.StatusCodeShouldBe(429);
        });
        var again = await limited.Issue(first);
        App.Clock.Advance(App.Options.WaitingTtl + TimeSpan.FromSeconds(1)); // both stopped checking: their tokens lapsed
        var afterLapse = await limited.Issue(third);

        await refused.ShouldBeProblem(429, "TOO_MANY_TOKENS");
        refused.Context.Response.Headers.RetryAfter.ToString().ShouldBe("30");
        again.Token.ShouldBe(firstPlace.Token);
        afterLapse.UserId.ShouldBe(third);
    }

    [Fact]
    public async Task tokens_are_unguessable_and_never_repeat()
    {
        var tokens = new List<string>();
        for (var i = 0; i < 20; i++) tokens.Add((await Host.Issue(Guid.NewGuid())).Token);

        tokens.Distinct().Count().ShouldBe(20);
        var signing = Host.Services.GetRequiredService<QueueTokens>();
        tokens.Select(token => signing.Read(token, out var _)).ShouldAllBe(reading => reading == TokenReading.Verified);
        tokens.ShouldAllBe(token => Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/')).Length * 8 >= 128);
    }

    [Fact]
    public async Task a_fan_who_asks_again_keeps_the_same_token_and_place()
    {
        var fan = Guid.NewGuid();
        var first = await Host.Issue(fan);
        await Host.Issue(Guid.NewGuid());

        var again = await Host.Issue(fan);

        again.Token.ShouldBe(first.Token);
        again.Position.ShouldBe(1);
    }

    [Fact]
    public async Task concurrent_requests_of_one_fan_give_one_token()
    {
        var fan = Guid.NewGuid();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => Host.Issue(fan))));

        answers.Select(a => a.Token).Distinct().ShouldHaveSingleItem();
        (await Host.Issue(Guid.NewGuid())).Position.ShouldBe(2);
    }

    [Fact]
    public async Task concurrent_requests_of_many_fans_get_distinct_places_without_gaps()
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => Task.Run(() => Host.Issue(Guid.NewGuid()))));

        answers.Select(a => a.Position).Order().ShouldBe(Enumerable.Range(1, 60).Select(p => (long)p));
        var checks = await Task.WhenAll(answers.Select(a => Host.Check(a.Token)));
        checks.Select(c => c.Position).Order().ShouldBe(Enumerable.Range(1, 60).Select(p => (long)p));
    }

    [Fact]
    public async Task fans_are_admitted_first_come_first_served_up_to_max_active()
    {
        var fans = new List<QueueStatus>();
        for (var i = 0; i < 5; i++) fans.Add(await Host.Issue(Guid.NewGuid()));

        await App.RunAdmission();
        await App.RunAdmission();

        var statuses = await Task.WhenAll(fans.Select(f => Host.Check(f.Token)));
        statuses.Select(s => s.Active).ShouldBe([true, true, true, false, false]);
        statuses.Select(s => s.Position).ShouldBe([0, 0, 0, 1, 2]);
        statuses[0].EtaSeconds.ShouldBe(0);
        statuses[0].ExpiresAt.ShouldBe(App.Clock.GetUtcNow() + App.Options.ActiveTtl);
    }

    [Fact]
    public async Task a_place_freed_by_an_expired_turn_goes_to_the_next_in_line()
    {
        var fans = new List<QueueStatus>();
        for (var i = 0; i < 4; i++) fans.Add(await Host.Issue(Guid.NewGuid()));
        await App.RunAdmission();
        await KeepChecking(fans[3].Token, App.Options.ActiveTtl);

        await App.RunAdmission();

        (await Host.Check(fans[3].Token)).Active.ShouldBeTrue();
        await ShouldBeExpired(fans[0].Token);
    }

    [Fact]
    public async Task a_fan_who_stops_checking_loses_their_place_and_nobody_counts_it()
    {
        var (first, quitter, last) = (await Host.Issue(Guid.NewGuid()), await Host.Issue(Guid.NewGuid()), await Host.Issue(Guid.NewGuid()));
        await Pause();

        await KeepChecking([first.Token, last.Token], App.Options.WaitingTtl);

        (await Host.Check(last.Token)).Position.ShouldBe(2);
        await ShouldBeExpired(quitter.Token);
        await App.RunAdmission();
        (await Host.Check(last.Token)).Position.ShouldBe(2);
    }

    [Fact]
    public async Task an_abandoned_place_is_never_admitted()
    {
        var quitter = await Host.Issue(Guid.NewGuid());
        var stayer = await Host.Issue(Guid.NewGuid());
        await Pause();
        await KeepChecking(stayer.Token, App.Options.WaitingTtl);

        await Resume();
        await App.RunAdmission();

        (await Host.Check(stayer.Token)).Active.ShouldBeTrue();
        await ShouldBeExpired(quitter.Token);
    }

    [Fact]
    public async Task a_waiting_token_lives_while_its_fan_keeps_checking()
    {
        var fan = await Host.Issue(Guid.NewGuid());
        await Pause();

        await KeepChecking(fan.Token, App.Options.WaitingTtl * 3);

        var status = await Host.Check(fan.Token);
        status.Position.ShouldBe(1);
        status.ExpiresAt.ShouldBe(App.Clock.GetUtcNow() + App.Options.WaitingTtl);
    }

    [Fact]
    public async Task several_nodes_admitting_at_once_never_grant_a_place_twice()
    {
        var fans = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => Host.Issue(Guid.NewGuid()))));

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(App.RunAdmission)));
        await App.RunAdmission();

        var statuses = await Task.WhenAll(fans.Select(f => Host.Check(f.Token)));
        statuses.Count(s => s.Active).ShouldBe(QueueApp.MaxActive);
        var admittedFirst = fans.OrderBy(f => f.Position).Take(QueueApp.MaxActive).Select(f => f.Token);
        statuses.Where(s => s.Active).Select(s => s.Token).ShouldBe(admittedFirst, ignoreOrder: true);
    }

    [Fact]
    public async Task the_wait_is_estimated_from_max_active_before_anyone_was_admitted()
    {
        await Pause();
        await Host.Issue(Guid.NewGuid());
        var second = await Host.Issue(Guid.NewGuid());

        var status = await Host.Check(second.Token);

        // 2 places × 600 s ÷ 3 active at once
        status.EtaSeconds.ShouldBe(400);
    }

    [Fact]
    public async Task the_wait_is_estimated_from_the_admissions_of_the_last_minute()
    {
        var fans = new List<QueueStatus>();
        for (var i = 0; i < 5; i++) fans.Add(await Host.Issue(Guid.NewGuid()));
        await App.RunAdmission();

        var fifth = await Host.Check(fans[4].Token);

        // 3 admitted in the last minute: 0.05 a second; the fifth fan is 2nd in line
        fifth.EtaSeconds.ShouldBe(40);
    }

    [Fact]
    public async Task an_ended_token_is_refused_at_once()
    {
        var fan = await Host.Issue(Guid.NewGuid());
        await App.RunAdmission();

        await using (var session = Host.Services.GetRequiredService<Marten.IDocumentStore>().LightweightSession())
        {
            QueueTokens.End(await session.Events.FetchForWriting<QueueTicket>(QueueTicket.StreamKey(fan.UserId)),
                App.Clock.GetUtcNow());
            await session.SaveChangesAsync();
        }

        await ShouldBeExpired(fan.Token);
        (await Host.Issue(fan.UserId)).Token.ShouldNotBe(fan.Token);
    }

    private Task Pause() => Host.ChangeQueue(new { paused = true });

    private Task Resume() => Host.ChangeQueue(new { paused = false });

    /// <summary>
    /// Moves the clock on by a span, in steps shorter than any token's life: at every step the admission job
    /// runs and the given fans check.
    /// </summary>
    private async Task KeepChecking(IReadOnlyList<string> tokens, TimeSpan span)
    {
        var step = TimeSpan.FromSeconds(20);
        for (var moved = TimeSpan.Zero; moved < span; moved += step)
        {
            App.Clock.Advance(step);
            await App.RunAdmission();
            foreach (var token in tokens) await Host.Check(token);
        }
    }

    private Task KeepChecking(string token, TimeSpan span) => KeepChecking([token], span);

    private Task ShouldBeExpired(string token) => Host.CheckShouldBeRefused(token, "TOKEN_EXPIRED");
}
