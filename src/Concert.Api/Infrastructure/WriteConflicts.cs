using System.Diagnostics;
using JasperFx;
using Marten;
using Marten.Exceptions;

namespace Concert.Api.Infrastructure;

/// <summary>
/// Marks an endpoint that is decided again, on fresh reads, when another writer commits to one of its streams between
/// its reads and its commit (a multi-stream write whose streams have writers that do not share its lock).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class DecideAgainOnWriteConflictAttribute : Attribute;

/// <summary>
/// Optimistic concurrency on event streams: a write decided against a stream version that another
/// transaction has moved on from fails, and the decision is taken again on fresh state.
/// </summary>
public static class WriteConflicts
{
    /// <remarks>
    /// A deadlock's victim is one too: PostgreSQL rolled its whole transaction back, so it is decided again like the
    /// loser of a version race, rather than answered 503.
    /// </remarks>
    public static bool IsWriteConflict(Exception exception) =>
        exception is ConcurrencyException or ExistingStreamIdCollisionException
        || IsDeadlock(exception)
        || exception.InnerException is not null && IsWriteConflict(exception.InnerException);

    public static bool IsDeadlock(Exception exception) =>
        exception is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.DeadlockDetected }
        || exception.InnerException is not null && IsDeadlock(exception.InnerException);

    private const int Attempts = 5;

    /// <summary>
    /// Runs a <see cref="DecideAgainOnWriteConflictAttribute"/> endpoint again, from its reads, when another writer
    /// committed to one of its streams first; when every attempt lost, 409 CONFLICT. Innermost of the middleware: the
    /// admin key, the Idempotency-Key and the gate run once.
    /// </summary>
    public static IApplicationBuilder UseDecidingAgainOnWriteConflicts(this IApplicationBuilder app) =>
        app.UseWhen(
            context => context.GetEndpoint()?.Metadata.GetMetadata<DecideAgainOnWriteConflictAttribute>() is not null,
            decided => decided.Use(async (context, next) =>
            {
                context.Request.EnableBuffering();
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        await next(context);
                        return;
                    }
                    catch (Exception e) when (IsWriteConflict(e) && !context.Response.HasStarted)
                    {
                        if (attempt == Attempts)
                        {
                            await Problems.Result(StatusCodes.Status409Conflict, ProblemCodes.Conflict,
                                "Other requests kept changing the same data; try again.").ExecuteAsync(context);
                            return;
                        }

                        context.Request.Body.Position = 0;
                    }
                }
            }));

    /// <summary>Whether a chain's write conflicts are Wolverine's 409, or decided again.</summary>
    public static bool AnswersConflictsAtOnce(Wolverine.Http.HttpChain chain) =>
        !chain.Method.Method.IsDefined(typeof(DecideAgainOnWriteConflictAttribute), false);

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
