using Alba;
using Concert.Api.Idempotency;
using Concert.Api.Queue;
using Concert.Specs.Support;
using Marten;
using Microsoft.AspNetCore.Http;
using Wolverine.Http;

namespace Concert.Specs.Platform;

public sealed record CountedRunRequest(string Note);

public sealed record CountedRun(Guid UserId, string Note, int Run);

/// <summary>
/// An <see cref="IdempotentAttribute"/> endpoint of the specs alone (ConcertApp discovers it): it counts its runs and
/// returns its result, recording nothing itself. Its session is only the transaction every keyed endpoint runs in.
/// </summary>
public static class CountedRunEndpoint
{
    private static int _runs;

    public static int Runs => Volatile.Read(ref _runs);

    [WolverinePost("/specs/counted-runs")]
    [Idempotent]
    public static IResult Post(CountedRunRequest request, AdmittedFan fan, IDocumentSession session) =>
        TypedResults.Json(new CountedRun(fan.UserId, request.Note, Interlocked.Increment(ref _runs)), statusCode: 201);
}

[Collection(ConcertAppCollection.Name)]
public sealed class KeyingAnyEndpoint(ConcertApp app)
{
    private IAlbaHost Host => app.Host;

    [Fact]
    public async Task an_idempotent_endpoint_that_records_nothing_itself_runs_once_and_replays()
    {
        var fan = await Host.NewAdmittedFan();
        var runsBefore = CountedRunEndpoint.Runs;

        var first = await CountedRun(fan, "k-1", "first");
        var replay = await CountedRun(fan, "k-1", "first");

        CountedRunEndpoint.Runs.ShouldBe(runsBefore + 1);
        first.Context.Response.Headers[IdempotencyKeys.StatusHeader].ToString().ShouldBe("CREATED");
        replay.Context.Response.Headers[IdempotencyKeys.StatusHeader].ToString().ShouldBe("REPLAYED");
        (await replay.ReadAsTextAsync()).ShouldBe(await first.ReadAsTextAsync());
        (await first.ReadAsJsonAsync<CountedRun>())!.ShouldBe(new CountedRun(fan.UserId, "first", runsBefore + 1));
    }

    [Fact]
    public async Task its_key_with_another_body_gets_422()
    {
        var fan = await Host.NewAdmittedFan();
        await CountedRun(fan, "k-2", "first");

        await (await CountedRun(fan, "k-2", "second", expectedStatus: 422)).ShouldBeProblem(422, "IDEMPOTENCY_KEY_REUSED");
    }

    private Task<IScenarioResult> CountedRun(Fan fan, string key, string note, int expectedStatus = 201) =>
        Host.Scenario(s =>
        {
            s.Post.Json(new CountedRunRequest(note)).ToUrl("/specs/counted-runs");
            s.WithRequestHeader(QueueGate.TokenHeader, fan.Token);
            s.WithRequestHeader(IdempotencyKeys.KeyHeader, key);
            s.StatusCodeShouldBe(expectedStatus);
        });
}
