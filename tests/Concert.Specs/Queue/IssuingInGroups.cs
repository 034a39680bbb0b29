using Alba;
using Concert.Specs.Support;

namespace Concert.Specs.Queue;

/// <summary>Concurrent issues share transactions, and one fan's failure in a shared transaction fails nobody else.</summary>
[Collection(QueueAppCollection.Name)]
public sealed class IssuingInGroups(QueueApp app) : IAsyncLifetime
{
    private IAlbaHost Host => app.Host;

    public Task InitializeAsync() => app.EmptyTheLine();

    public async Task DisposeAsync() => await app.ExecuteAsync("drop trigger if exists refuse_one_fan on concert.mt_doc_queueticket");

    [Fact]
    public async Task concurrent_issues_ride_shared_commits()
    {
        var fans = await Task.WhenAll(Enumerable.Range(0, 80).Select(_ => Task.Run(() => Host.Issue(Guid.NewGuid()))));

        var commits = await app.ReadAsync<long>("select count(distinct xmin::text) from concert.mt_doc_queueticket");
        commits.ShouldBeLessThan(fans.Length);
        fans.Select(fan => fan.Position).Order().ShouldBe(Enumerable.Range(1, 80).Select(p => (long)p));
    }

    [Fact]
    public async Task a_fan_whose_write_postgresql_refuses_gets_503_and_the_others_their_places()
    {
        var refused = Guid.NewGuid();
        await app.ExecuteAsync($"""
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
}
