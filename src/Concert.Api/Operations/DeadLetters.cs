using Marten;
using Npgsql;
using Wolverine.Http;

namespace Concert.Api.Operations;

/// <param name="Replayable">Whether Wolverine may run it again once marked for replay.</param>
public sealed record DeadLetter(Guid Id, string MessageType, string? ExceptionType, string? ExceptionMessage,
    DateTimeOffset? FailedAt, bool Replayable);

/// <param name="Count">Dead letters not archived.</param>
/// <param name="Recent">The latest of them, newest first.</param>
public sealed record DeadLetterOverview(long Count, IReadOnlyList<DeadLetter> Recent);

public static class DeadLettersEndpoint
{
    public const int MostShown = 20;

    [WolverineGet("/admin/dead-letters")]
    [Tags("Admin")]
    [EndpointSummary("Durable work that failed for good (after every retry): how many, and the latest. Expected: none.")]
    public static async Task<DeadLetterOverview> Get(NpgsqlDataSource database, IDocumentStore store,
        CancellationToken cancellation)
    {
        var table = DeadLetterTable(store);
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(CountSql(store)));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            $"""
             select id, message_type, exception_type, exception_message, failed_at, replayable from {table}
             where archived_at is null order by failed_at desc nulls last limit {MostShown}
             """));
        await using var reader = await batch.ExecuteReaderAsync(cancellation);
        await reader.ReadAsync(cancellation);
        var count = reader.GetInt64(0);
        await reader.NextResultAsync(cancellation);
        var recent = new List<DeadLetter>();
        while (await reader.ReadAsync(cancellation))
        {
            recent.Add(new DeadLetter(reader.GetGuid(0), reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4), reader.GetBoolean(5)));
        }

        return new DeadLetterOverview(count, recent);
    }

    /// <summary>The dead letters an operator has not archived yet (this endpoint and the telemetry).</summary>
    public static string CountSql(IDocumentStore store) => $"select count(*) from {DeadLetterTable(store)} where archived_at is null";

    /// <summary>Wolverine keeps its envelopes in Marten's schema (IntegrateWithWolverine).</summary>
    public static string DeadLetterTable(IDocumentStore store) => $"{store.Options.DatabaseSchemaName}.wolverine_dead_letters";
}
