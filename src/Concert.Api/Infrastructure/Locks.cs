using Marten;
using Marten.Services.BatchQuerying;

namespace Concert.Api.Infrastructure;

/// <summary>PostgreSQL advisory locks held until the session's transaction ends: one holder at a time, across nodes.</summary>
public static class Locks
{
    /// <summary>Waits for the named lock inside the session's transaction (begun by the caller).</summary>
    public static Task TakeAsync(IDocumentSession session, string name, CancellationToken cancellation) =>
        session.QueryAsync<string>(TakeSql, cancellation, name);

    /// <summary>The same, as a statement of a batch: the batch's later statements run once the lock is held.</summary>
    public static Task Take(IBatchedQuery batch, string name) => batch.Query<string>(TakeSql, name);

    private const string TakeSql = "select 'taken' from (select pg_advisory_xact_lock(hashtextextended(?, 0))) taken";
}
