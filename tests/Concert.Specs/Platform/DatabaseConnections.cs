using Concert.Api.Idempotency;
using System.Net.Http.Json;
using Alba;
using Concert.Api.Infrastructure;
using Concert.Api.Queue;
using Concert.Specs.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Concert.Specs.Platform;

public sealed class DatabaseConnections(SmallPoolApp app) : IClassFixture<SmallPoolApp>
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
                    Headers = { { QueueGate.TokenHeader, payer.Token }, { IdempotencyKeys.KeyHeader, Guid.NewGuid().ToString() } },
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

    [Fact]
    public async Task a_fan_gets_503_service_busy_while_every_connection_is_taken_and_is_served_once_one_is_free()
    {
        var database = app.Host.Services.GetRequiredService<IDocumentStore>().Storage.Database;
        var taken = new List<NpgsqlConnection>();
        try
        {
            // Take connections until the pool has none left for three seconds: then none is merely busy.
            while (true)
            {
                var connection = database.CreateConnection();
                try
                {
                    await connection.OpenAsync();
                }
                catch (NpgsqlException)
                {
                    await connection.DisposeAsync();
                    break;
                }

                taken.Add(connection);
            }

            var refused = await app.Host.Scenario(s =>
            {
                s.Post.Json(new { userId = Guid.NewGuid() }).ToUrl("/waiting/issue");
                s.StatusCodeShouldBe(503);
            });
            await refused.ShouldBeProblem(503, "SERVICE_BUSY");
            refused.Context.Response.Headers.RetryAfter.ToString().ShouldBe("1");
        }
        finally
        {
            foreach (var connection in taken) await connection.DisposeAsync();
        }

        (await app.Host.Issue(Guid.NewGuid())).Token.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task connections_whose_prepared_statements_postgresql_forgot_get_503_never_500_and_are_replaced()
    {
        var fan = await app.Host.NewAdmittedFan();
        // Npgsql prepares a statement on a connection once it has run a few times there.
        for (var read = 0; read < 10 * SmallPoolApp.PoolSize; read++) (await Balance()).ShouldBe(200);

        // PostgreSQL forgets them while Npgsql still counts on them, as after a restart that a pooled connection
        // did not notice.
        await ForgetPreparedStatementsOnEveryConnection();

        var answers = new List<int>();
        for (var read = 0; read < 4 * SmallPoolApp.PoolSize; read++) answers.Add(await Balance());
        answers.ShouldAllBe(status => status == 200 || status == 503);
        answers.TakeLast(SmallPoolApp.PoolSize).ShouldAllBe(status => status == 200);

        async Task<int> Balance() => (await app.Host.Scenario(s =>
        {
            s.Get.Url($"/users/{fan.UserId}/amount");
            s.WithRequestHeader(QueueGate.TokenHeader, fan.Token);
            s.IgnoreStatusCode();
        })).Context.Response.StatusCode;
    }

    /// <summary>Every connection of the service's pool at once, each told to drop its prepared statements.</summary>
    private async Task ForgetPreparedStatementsOnEveryConnection()
    {
        var database = app.Host.Services.GetRequiredService<IDocumentStore>().Storage.Database;
        var taken = new List<NpgsqlConnection>();
        try
        {
            for (var i = 0; i < SmallPoolApp.PoolSize; i++)
            {
                var connection = database.CreateConnection();
                await connection.OpenAsync();
                taken.Add(connection);
                await using var forget = new NpgsqlCommand("deallocate all", connection);
                await forget.ExecuteNonQueryAsync();
            }
        }
        finally
        {
            foreach (var connection in taken) await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task charges_whose_connections_postgresql_drops_get_503_never_500_and_their_retries_charge_each_exactly_once()
    {
        var fan = await app.Host.NewAdmittedFan();
        var answers = new List<(string Key, int Status)>();
        for (var round = 0; round < 10; round++)
        {
            var charges = Enumerable.Range(0, 4 * SmallPoolApp.PoolSize).Select(_ => Charge(Guid.NewGuid().ToString())).ToList();
            await Task.Delay(Random.Shared.Next(1, 15));
            await TerminateEveryConnectionOfTheDatabase();
            answers.AddRange(await Task.WhenAll(charges));
        }

        answers.ShouldAllBe(answer => answer.Status == 200 || answer.Status == 503);
        answers.ShouldContain(answer => answer.Status == 503);

        // A refused charge may have committed just before its connection broke: its retry is answered from its key. A
        // retry may itself meet a connection broken by the last round (a pool learns of a dead session when it uses it,
        // and answers that request 503 while it replaces the pool), so it is sent again as a client would, a few times.
        foreach (var (key, _) in answers.Where(answer => answer.Status == 503))
        {
            var retried = await Charge(key);
            for (var again = 1; retried.Status == 503 && again < 3; again++) retried = await Charge(key);
            retried.Status.ShouldBe(200);
        }

        (await app.Host.Balance(fan)).ShouldBe(1_000 * answers.Count);

        async Task<(string Key, int Status)> Charge(string key)
        {
            var answer = await app.Host.Charge(fan, 1_000, key, expectedStatus: null);
            if (answer.Context.Response.StatusCode == 503)
            {
                await answer.ShouldBeProblem(503, "SERVICE_BUSY");
                answer.Context.Response.Headers.RetryAfter.ToString().ShouldBe("1");
            }

            return (key, answer.Context.Response.StatusCode);
        }
    }

    private async Task TerminateEveryConnectionOfTheDatabase()
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var terminate = new NpgsqlCommand(
            "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()",
            connection);
        await terminate.ExecuteNonQueryAsync();
    }
}
