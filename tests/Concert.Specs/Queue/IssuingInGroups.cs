using Alba;
using Concert.Api.Queue;
using Concert.Domain.Queue;
using Concert.Specs.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Concert.Specs.Queue;

/// <summary>Concurrent issues share transactions, and one fan's failure in a shared transaction fails nobody else.</summary>
[Collection(QueueAppCollection.Name)]
public sealed class IssuingInGroups(QueueApp app) : QueueScenarios(app)
{
    /// <summary>Everything of a ticket's stream, event and document rows but the fan's own values.</summary>
    private Task<string> StoredShape(Guid userId) =>
        App.ReadAsync<string>($"""
            select concat_ws(' | ', e.type, e.mt_dotnet_type, e.version, e.tenant_id, e.is_archived, e.headers, e.bdata,
                             s.type, s.version, s.tenant_id, s.is_archived, s.compacted_version, d.mt_dotnet_type, d.mt_version)
            from concert.mt_events e
            join concert.mt_streams s on s.id = e.stream_id
            join concert.mt_doc_queueticket d on d.id = e.stream_id
            where e.stream_id = 'queue-{userId}'
            """);

    public override async Task DisposeAsync() => await App.ExecuteAsync("drop trigger if exists refuse_one_fan on concert.mt_doc_queueticket");

    [Fact]
    public async Task concurrent_issues_ride_shared_commits()
    {
        var fans = await Task.WhenAll(Enumerable.Range(0, 80).Select(_ => Task.Run(() => Host.Issue(Guid.NewGuid()))));

        var commits = await App.ReadAsync<long>("select count(distinct xmin::text) from concert.mt_doc_queueticket");
        commits.ShouldBeLessThan(fans.Length);
        fans.Select(fan => fan.Position).Order().ShouldBe(Enumerable.Range(1, 80).Select(p => (long)p));
    }

    [Fact]
    public async Task a_ticket_started_in_a_group_commit_is_stored_as_marten_stores_one()
    {
        var fan = await Host.Issue(Guid.NewGuid());
        var store = Host.DocumentStore();
        var viaMarten = Guid.NewGuid();
        await using (var session = store.LightweightSession())
        {
            var times = Host.Services.GetRequiredService<QueueOptions>().Times;
            session.Events.StartStream<QueueTicket>(QueueTicket.StreamKey(viaMarten),
                WaitingLine.Issue(viaMarten, "a-token", 999_999, App.Clock.GetUtcNow(), times));
            await session.SaveChangesAsync();
        }

        (await StoredShape(fan.UserId)).ShouldBe(await StoredShape(viaMarten));
        await using var query = store.QuerySession();
        var key = QueueTicket.StreamKey(fan.UserId);
        (await query.Events.FetchStreamAsync(key)).ShouldHaveSingleItem().Data.ShouldBeOfType<TokenIssued>().Token.ShouldBe(fan.Token);
        (await query.Events.FetchStreamStateAsync(key))!.AggregateType.ShouldBe(typeof(QueueTicket));
        (await query.LoadAsync<QueueTicket>(key)).ShouldBe(await query.Events.AggregateStreamAsync<QueueTicket>(key));
    }

    [Fact]
    public async Task a_fan_whose_write_postgresql_refuses_gets_503_and_the_others_their_places()
    {
        var refused = Guid.NewGuid();
        await App.ExecuteAsync($"""
            create or replace function concert.refuse_one_fan() returns trigger language plpgsql as $$
            begin
              if new.id = 'queue-{refused}' then raise exception 'refused for the spec' using errcode = '40001'; end if;
              return new;
            end $$;
            create trigger refuse_one_fan before insert on concert.mt_doc_queueticket for each row execute function concert.refuse_one_fan();
            """);

        var others = Enumerable.Range(0, 40).Select(_ => Guid.NewGuid()).ToList();
        var answers = others.Select(fan => Task.Run(() => Host.Issue(fan))).ToList();
        var refusedAnswer = Task.Run(() => Host.Scenario(s =>
        {
            s.Post.Json(new { userId = refused }).ToUrl("/waiting/issue");
            s.StatusCodeShouldBe(503);
        }));
        answers.AddRange(Enumerable.Range(0, 40).Select(_ => Task.Run(() => Host.Issue(Guid.NewGuid()))));

        var issued = await Task.WhenAll(answers);
        await (await refusedAnswer).ShouldBeProblem(503, "SERVICE_BUSY");
        issued.Select(fan => fan.Token).Distinct().Count().ShouldBe(80);
        issued.Select(fan => fan.Position).Distinct().Count().ShouldBe(80);
    }

    [Fact]
    public async Task a_node_whose_issuer_has_stopped_answers_503_with_retry_after()
    {
        await using var stopping = await App.StartHostAsync();
        await stopping.Services.GetRequiredService<TokenIssuer>().StopAsync(CancellationToken.None);

        var result = await stopping.Scenario(s =>
        {
            s.Post.Json(new { userId = Guid.NewGuid() }).ToUrl("/waiting/issue");
            s.StatusCodeShouldBe(503);
        });

        await result.ShouldBeProblem(503, "SERVICE_BUSY");
        result.Context.Response.Headers.RetryAfter.ToString().ShouldBe("1");
    }
}
