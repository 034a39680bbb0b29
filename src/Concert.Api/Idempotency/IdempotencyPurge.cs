using Concert.Api.Infrastructure;
using Marten;

namespace Concert.Api.Idempotency;

/// <summary>Forgets idempotency records past their 24 hours, every ten minutes.</summary>
public sealed class IdempotencyPurge(IDocumentStore store, TimeProvider clock, ILogger<IdempotencyPurge> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Periodic.RunAsync(new PeriodicTimer(TimeSpan.FromMinutes(10), clock), PurgeAsync,
            e => logger.LogWarning(e, "Purging idempotency records failed; the next run tries again"), stoppingToken);

    public async Task PurgeAsync(CancellationToken cancellation)
    {
        var cutoff = clock.GetUtcNow() - IdempotencyKeys.Retention;
        await using var session = store.LightweightSession();
        session.DeleteWhere<IdempotencyRecord>(record => record.CreatedAt <= cutoff);
        await session.SaveChangesAsync(cancellation);
    }
}

