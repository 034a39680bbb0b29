using Concert.Api.Infrastructure;
using Concert.Domain.Queue;
using Marten;

namespace Concert.Api.Queue;

/// <summary>
/// Every Queue:AdmissionInterval: records the tokens whose time ran out, admits waiting fans in issue order
/// into every free place, and counts the line, in one transaction. Every node runs it; a PostgreSQL advisory lock
/// taken inside that transaction makes the runs of all nodes take turns, each reading the line only after the
/// previous run committed, so no place is ever granted twice, and the snapshot it writes is always the count of
/// what it committed.
/// </summary>
public sealed class QueueAdmission(IDocumentStore store, LineView lineView, TimeProvider clock, QueueOptions options,
    ILogger<QueueAdmission> logger) : BackgroundService
{
    public const string AdmissionLock = "queue-admission";
    private const int MostExpiriesPerRun = 1_000;

    /// <summary>Each admission is a write to the fan's stream; a burst of free places fills over a few runs.</summary>
    private const int MostAdmissionsPerRun = 2_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The interval is the machine's; only the decisions read the injected clock (a scenario moves it and runs the job itself).
        using var timer = new PeriodicTimer(options.AdmissionInterval);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Queue admission run failed; the next run tries again");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task RunOnceAsync(CancellationToken cancellation)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // The node that placed the pre-queue knows at once; the others within a poll of their copy.
                var known = (await lineView.CurrentAsync(cancellation)).Control;
                if (await OpeningDraw.PlaceThePreQueueIfDueAsync(store, known, options, clock.GetUtcNow(), cancellation))
                {
                    await lineView.RefreshAsync(cancellation);
                }

                await AdmitAsync(cancellation);
                return;
            }
            catch (Exception e) when (attempt < 3 && WriteConflicts.IsWriteConflict(e))
            {
                // A payment or a new token of a fan wrote to a stream this run was about to change: decide again.
            }
        }
    }

    private async Task AdmitAsync(CancellationToken cancellation)
    {
        var now = clock.GetUtcNow();
        await using var session = store.LightweightSession();
        await Transactions.BeginAsync(session);
        await Locks.TakeAsync(session, AdmissionLock, cancellation);
        var line = await session.LoadAsync<LineSnapshot>(LineSnapshot.TheId, cancellation) ?? LineSnapshot.Empty;
        var run = await DecideAsync(session, now, cancellation);

        var next = await line.NextAsync(session, now, run, cancellation);
        session.Store(next);
        await session.SaveChangesAsync(cancellation);
        lineView.Show(next);
    }

    private async Task<AdmissionRun> DecideAsync(IDocumentSession session, DateTimeOffset now, CancellationToken cancellation)
    {
        var lapsed = await QueueStore.LapsedAsync(session, now, MostExpiriesPerRun, cancellation);
        var leftTheLine = (await AppendAllAsync(session, lapsed, current => WaitingLine.ExpireLapsed(current, now), cancellation))
            .Where(ticket => ticket.Status == TicketStatus.Waiting && !ticket.InPreQueue)
            .Select(ticket => ticket.Seq)
            .ToList();

        var control = await QueueStore.ControlAsync(session, cancellation);
        var active = await QueueStore.CountActiveAsync(session, now, cancellation);
        var admittedLastMinute = await QueueStore.CountAdmittedSinceAsync(session, now.AddMinutes(-1), cancellation);
        var free = Math.Min(MostAdmissionsPerRun, WaitingLine.FreePlaces(control.MaxActive ?? options.MaxActive, active, control.Paused));
        var admitted = free == 0
            ? []
            : await AppendAllAsync(session, await QueueStore.NextWaitingAsync(session, now, free, cancellation),
                current => WaitingLine.Admit(current, now, options.Times), cancellation);
        leftTheLine.AddRange(admitted.Select(ticket => ticket.Seq));
        return new AdmissionRun(leftTheLine, active + admitted.Count, admittedLastMinute + admitted.Count,
            control.HasPreQueue ? await QueueStore.CountPreQueueAsync(session, now, cancellation) : 0);
    }

    /// <summary>
    /// Appends each ticket's decision against its stream's version as read, so a fan's concurrent write is never
    /// overwritten. The streams are read in one round trip: a run admits up to thousands of fans.
    /// </summary>
    /// <returns>The tickets (as read) that the decision changed.</returns>
    private static async Task<IReadOnlyList<QueueTicket>> AppendAllAsync(IDocumentSession session,
        IReadOnlyList<QueueTicket> tickets, Func<QueueTicket, object?> decide, CancellationToken cancellation)
    {
        if (tickets.Count == 0) return [];
        var batch = session.CreateBatchQuery();
        var reads = tickets.Select(ticket => (Ticket: ticket, Stream: batch.Events.FetchForWriting<QueueTicket>(ticket.Id))).ToList();
        await batch.Execute(cancellation);
        var changed = new List<QueueTicket>();
        foreach (var (read, fetch) in reads)
        {
            var stream = await fetch;
            if (stream.Aggregate is not { } current || current.Token != read.Token || decide(current) is not { } change) continue;
            stream.AppendOne(change);
            changed.Add(read);
        }

        return changed;
    }
}
