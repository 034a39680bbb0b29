using Marten;
using Weasel.Postgresql;

namespace Concert.Api.Infrastructure;

/// <summary>PostgreSQL sequences in the store's schema: the integer ids the contract promises (≥ 1, issued by the server).</summary>
public static class Sequences
{
    public static void Add(StoreOptions options, string name) =>
        options.Storage.ExtendedSchemaObjects.Add(new Sequence(
            new PostgresqlObjectName(options.DatabaseSchemaName, name, SchemaUtils.IdentifierUsage.General)));

    public static Task<IReadOnlyList<long>> NextAsync(IQuerySession session, string name, int count,
        CancellationToken cancellation) =>
        session.QueryAsync<long>(
            $"select nextval('{session.DocumentStore.Options.DatabaseSchemaName}.{name}') from generate_series(1, ?)",
            cancellation, count);

    public static async Task<long> NextAsync(IQuerySession session, string name, CancellationToken cancellation) =>
        (await NextAsync(session, name, 1, cancellation))[0];
}
