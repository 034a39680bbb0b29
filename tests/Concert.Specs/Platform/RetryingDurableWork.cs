using System.Collections.Concurrent;
using Concert.Api.Operations;
using Concert.Specs.Support;
using Npgsql;
using Wolverine.Tracking;

namespace Concert.Specs.Platform;

/// <summary>Durable work of the specs alone (ConcertApp discovers it) that fails a given number of times, then succeeds.</summary>
public sealed record FlakyWork(Guid Id, string Failure, int Failures);

public static class FlakyWorkHandler
{
    public static readonly ConcurrentDictionary<Guid, int> Attempts = new();

    public static void Handle(FlakyWork work)
    {
        var attempt = Attempts.AddOrUpdate(work.Id, 1, (_, attempts) => attempts + 1);
        if (attempt > work.Failures) return;
        throw work.Failure switch
        {
            "transaction disposed" => new ObjectDisposedException($"NpgsqlTransaction {work.Id}"),
            "connection dropped" => new NpgsqlException($"Exception while reading from stream {work.Id}",
                new IOException("Connection reset")),
            "server shutting down" => new PostgresException($"terminating connection due to administrator command {work.Id}",
                "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown),
            "statement forgotten" => new PostgresException($"prepared statement \"_auto1\" does not exist {work.Id}", "ERROR",
                "ERROR", PostgresErrorCodes.InvalidSqlStatementName),
            _ => new InvalidOperationException($"{work.Failure} {work.Id}"),
        };
    }
}

[Collection(ConcertAppCollection.Name)]
public sealed class RetryingDurableWork(ConcertApp app)
{
    [Theory]
    [InlineData("transaction disposed")]
    [InlineData("connection dropped")]
    [InlineData("server shutting down")]
    [InlineData("statement forgotten")]
    public async Task durable_work_that_meets_a_passing_database_failure_is_tried_again_not_dead_lettered(string failure)
    {
        var work = new FlakyWork(Guid.NewGuid(), failure, Failures: 3);

        await app.Host.TrackActivity().Timeout(TimeSpan.FromSeconds(30)).DoNotAssertOnExceptionsDetected()
            .SendMessageAndWaitAsync(work);

        FlakyWorkHandler.Attempts[work.Id].ShouldBe(4);
        (await DeadLettersOf(work)).ShouldBe(0);
    }

    [Fact]
    public async Task durable_work_that_can_never_succeed_is_a_dead_letter_an_operator_sees()
    {
        var work = new FlakyWork(Guid.NewGuid(), "a bug", Failures: int.MaxValue);

        await app.Host.TrackActivity().Timeout(TimeSpan.FromSeconds(30)).DoNotAssertOnExceptionsDetected()
            .SendMessageAndWaitAsync(work);

        (await DeadLettersOf(work)).ShouldBe(1);
        var seen = await app.Host.AdminGet<DeadLetterOverview>("/admin/dead-letters");
        seen.Count.ShouldBeGreaterThanOrEqualTo(1);
        seen.Recent.Select(letter => letter.ExceptionMessage).ShouldContain($"a bug {work.Id}");
        var readiness = await app.Host.Scenario(s => s.Get.Url("/health/ready"));
        (await readiness.ReadAsTextAsync()).ShouldBe("Degraded");
    }

    private Task<long> DeadLettersOf(FlakyWork work) =>
        app.ReadAsync<long>(
            $"select count(*) from concert.wolverine_dead_letters where exception_message like '%{work.Id}%'");
}
