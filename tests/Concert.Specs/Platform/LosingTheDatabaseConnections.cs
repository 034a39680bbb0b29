using System.Net;
using System.Net.Http.Json;
using Concert.Api.Infrastructure;
using Concert.Api.Queue;
using Concert.Specs.Support;
using Npgsql;

namespace Concert.Specs.Platform;

public sealed class LosingTheDatabaseConnections(SmallPoolApp app) : IClassFixture<SmallPoolApp>
{
    [Fact]
    public async Task charges_whose_connections_postgresql_drops_get_503_never_500_and_their_retries_charge_each_exactly_once()
    {
        var fan = await app.Host.AdmittedFan();
        var client = app.Host.Server.CreateClient();
        var answers = new List<(string Key, HttpStatusCode Status)>();
        for (var round = 0; round < 10; round++)
        {
            var charges = Enumerable.Range(0, 4 * SmallPoolApp.PoolSize).Select(_ => Charge(Guid.NewGuid().ToString())).ToList();
            await Task.Delay(Random.Shared.Next(1, 15));
            await TerminateEveryConnectionOfTheDatabase();
            answers.AddRange(await Task.WhenAll(charges));
        }

        answers.ShouldAllBe(answer => answer.Status == HttpStatusCode.OK || answer.Status == HttpStatusCode.ServiceUnavailable);
        answers.ShouldContain(answer => answer.Status == HttpStatusCode.ServiceUnavailable);

        // A refused charge may have committed just before its connection broke: its retry is answered from its key.
        foreach (var (key, _) in answers.Where(answer => answer.Status == HttpStatusCode.ServiceUnavailable))
        {
            (await Charge(key)).Status.ShouldBe(HttpStatusCode.OK);
        }

        (await app.Host.Balance(new Fan(fan.UserId, fan.Token))).ShouldBe(1_000 * answers.Count);

        async Task<(string Key, HttpStatusCode Status)> Charge(string key)
        {
            using var answer = await client.SendAsync(new HttpRequestMessage(HttpMethod.Patch, $"/users/{fan.UserId}/charge")
            {
                Content = JsonContent.Create(new { amount = 1_000 }),
                Headers = { { QueueGate.TokenHeader, fan.Token }, { Idempotency.KeyHeader, key } },
            });
            if (answer.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                (await answer.Content.ReadAsStringAsync()).ShouldContain("\"code\":\"SERVICE_BUSY\"");
                answer.Headers.RetryAfter?.Delta.ShouldBe(TimeSpan.FromSeconds(1));
            }

            return (key, answer.StatusCode);
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
