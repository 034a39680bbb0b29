using System.Diagnostics;
using JasperFx;
using Marten;
using Marten.Exceptions;

namespace Concert.Api.Infrastructure;

/// <summary>
/// Optimistic concurrency on event streams: a write decided against a stream version that another
/// transaction has moved on from fails, and the decision is taken again on fresh state.
/// </summary>
public static class WriteConflicts
{
    public static bool IsWriteConflict(Exception exception) =>
        exception is ConcurrencyException or ExistingStreamIdCollisionException
        || exception.InnerException is not null && IsWriteConflict(exception.InnerException);

    /// <summary>Runs a decision in a fresh session and commits it, deciding again when another writer got there first.</summary>
    public static async Task<T> DecideAndCommitAsync<T>(this IDocumentStore store,
        Func<IDocumentSession, Task<T>> decide, CancellationToken cancellation, int attempts = 5)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession();
            session.CorrelationId = Activity.Current?.TraceId.ToHexString(); // as Wolverine's own sessions do
            var outcome = await decide(session);
            try
            {
                await session.SaveChangesAsync(cancellation);
                return outcome;
            }
            catch (Exception e) when (attempt < attempts && IsWriteConflict(e))
            {
            }
        }
    }
}
