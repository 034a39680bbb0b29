using Marten;

namespace Concert.Api.Infrastructure;

/// <summary>PostgreSQL advisory locks held until the session's transaction ends: one holder at a time, across nodes.</summary>
public static class Locks
{
    /// <summary>Waits for the named lock inside the session's transaction (begun by the caller).</summary>
    public static Task TakeAsync(IDocumentSession session, string name, CancellationToken cancellation) =>
        session.QueryAsync<int>("select 1 from (select pg_advisory_xact_lock(hashtextextended(?, 0))) taken", cancellation, name);
}
