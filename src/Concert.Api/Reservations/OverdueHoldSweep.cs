using Concert.Api.Infrastructure;
using Concert.Domain.Reservations;
using Marten;
using Wolverine;

namespace Concert.Api.Reservations;

/// <summary>
/// Records the expiries that durable scheduling did not: every <see cref="HoldOptions.SweepInterval"/>, the holds still
/// on hold more than <see cref="HoldOptions.SweepAfter"/> past their expiry are expired through the same handler (a
/// dead-lettered or lost <see cref="ExpireHold"/>). Every node sweeps; the handler records each expiry once. So no hold
/// stays unexpired in the events longer than SweepAfter + SweepInterval past its HoldExpiresAt while a node runs.
/// </summary>
public sealed class OverdueHoldSweep(IDocumentStore store, IServiceScopeFactory scopes, TimeProvider clock,
    HoldOptions options, ILogger<OverdueHoldSweep> logger) : BackgroundService
{
    public const int MostPerSweep = 1_000;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Periodic.RunAsync(new PeriodicTimer(options.SweepInterval), SweepAsync,
            e => logger.LogWarning(e, "Sweeping overdue holds failed; the next sweep tries again"), stoppingToken);

    public async Task SweepAsync(CancellationToken cancellation)
    {
        var overdueSince = clock.GetUtcNow() - options.SweepAfter;
        IReadOnlyList<long> overdue;
        await using (var session = store.QuerySession())
        {
            overdue = await ReservationStore.OverdueHoldsAsync(session, overdueSince, MostPerSweep, cancellation);
        }

        if (overdue.Count == 0) return;
        logger.LogWarning("{Count} holds were not expired on time; recording their expiries now", overdue.Count);
        await using var scope = scopes.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<IMessageBus>();
        foreach (var reservationId in overdue)
        {
            try
            {
                await bus.InvokeAsync(new ExpireHold(reservationId), cancellation);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One hold that cannot be expired now must not keep the sweep from the others.
                logger.LogWarning(e, "Recording the expiry of reservation {ReservationId} failed; the next sweep tries again", reservationId);
            }
        }
    }
}
