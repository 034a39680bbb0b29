using System.Diagnostics;
using System.Threading.Channels;
using Concert.Api.Infrastructure;
using Concert.Domain.Queue;
using JasperFx.Events;
using Marten;
using Marten.Storage;

namespace Concert.Api.Queue;

/// <summary>
/// Issues ride group commits: the requests that arrive while a batch is being written wait for the next one, and a
/// batch takes every request waiting (up to <see cref="MostPerBatch"/>) in one transaction, each fan still getting a
/// TokenIssued on their own stream. Nothing waits for a batch to fill: an idle line writes each issue at once, and a
/// rush fills the batches by itself. A batch that fails is written again one fan at a time, so one fan's failure never
/// fails another's request; unless the database cannot be reached, which fails them all at once (503, try again).
/// </summary>
public sealed class TokenIssuer(IDocumentStore store, QueueTokens tokens, TimeProvider clock, QueueOptions options)
    : BackgroundService
{
    private const int MostPerBatch = 256;

    /// <summary>Batches written at once: while one commits, the next gathers the requests that keep arriving.</summary>
    private const int Writers = 2;

    /// <summary>Issues waiting for a batch, at most: beyond that many batches' worth the service answers 503 at once.</summary>
    private const int MostWaiting = 40 * MostPerBatch;

    private readonly Channel<IssueRequest> _waiting = Channel.CreateBounded<IssueRequest>(MostWaiting);
    private long _latestSeq;

    /// <summary>The latest place this node has given.</summary>
    public long LatestSeq => Interlocked.Read(ref _latestSeq);

    /// <summary>
    /// Queues the fan's issue: their ticket once it has committed, a new token or the live one they hold; false when too
    /// many issues wait already, or the service is stopping. An issue whose request is abandoned before its batch is
    /// left out of it.
    /// </summary>
    public bool TryIssue(Guid userId, CancellationToken abandoned, out Task<QueueTicket> ticket)
    {
        var request = new IssueRequest(userId, Activity.Current?.TraceId.ToHexString(), abandoned);
        ticket = request.Ticket.Task;
        return _waiting.Writer.TryWrite(request);
    }

    /// <summary>A service that cannot sign tokens must not start (commands such as db-apply never start it).</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        tokens.ThrowIfUnusable();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => WriteBatchesAsync(stoppingToken)));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped: not a failure of the service.
        }
        finally
        {
            _waiting.Writer.TryComplete();
            while (_waiting.Reader.TryRead(out var request)) request.Ticket.TrySetCanceled(stoppingToken);
        }
    }

    private async Task WriteBatchesAsync(CancellationToken stoppingToken)
    {
        var batch = new List<IssueRequest>(MostPerBatch);
        while (await _waiting.Reader.WaitToReadAsync(stoppingToken))
        {
            batch.Clear();
            while (batch.Count < MostPerBatch && _waiting.Reader.TryRead(out var request))
            {
                if (request.Abandoned.IsCancellationRequested) request.Ticket.TrySetCanceled(request.Abandoned);
                else batch.Add(request);
            }

            if (batch.Count > 0) await CommitAsync(batch, stoppingToken);
        }
    }

    private async Task CommitAsync(IReadOnlyList<IssueRequest> batch, CancellationToken stoppingToken)
    {
        try
        {
            var fans = batch.DistinctBy(request => request.UserId).ToList();
            var tickets = await IssueToNewFansAsync(fans, stoppingToken);
            var returning = fans.Where(fan => !tickets.ContainsKey(fan.UserId)).ToList();
            if (returning.Count > 0)
            {
                foreach (var (userId, ticket) in await ReissueAsync(returning, stoppingToken)) tickets[userId] = ticket;
            }

            foreach (var ticket in tickets.Values) RaiseLatestSeq(ticket.Seq);
            foreach (var request in batch) request.Ticket.TrySetResult(tickets[request.UserId]);
        }
        catch (Exception e) when (batch.Count > 1 && e is not OperationCanceledException && !Postgres.IsUnreachable(e))
        {
            foreach (var request in batch) await CommitAsync([request], stoppingToken);
        }
        catch (Exception e)
        {
            foreach (var request in batch) request.Ticket.TrySetException(e);
        }
    }

    /// <summary>
    /// The rush's case, in one transaction of set-based statements: fans never seen get a place and a stream; fans holding
    /// a live token get it back (one place in line per fan). Fans whose last token is over are left out, for
    /// <see cref="ReissueAsync"/>.
    /// </summary>
    private async Task<Dictionary<Guid, QueueTicket>> IssueToNewFansAsync(IReadOnlyList<IssueRequest> fans, CancellationToken cancellation)
    {
        await using var connection = store.Storage.Database.CreateConnection(ConnectionUsage.ReadWrite);
        await connection.OpenAsync(cancellation);
        await using var transaction = await connection.BeginTransactionAsync(cancellation);
        var now = clock.GetUtcNow();
        var turns = await QueueStore.TakeTurnsToIssueAsync(store, connection, fans.Select(fan => fan.UserId).ToList(), now,
            forReissues: false, cancellation);
        var tickets = new Dictionary<Guid, QueueTicket>();
        var started = new List<(TokenIssued, string?)>();
        foreach (var (turn, fan) in turns.Zip(fans))
        {
            if (WaitingLine.HoldsLiveToken(turn.Current, now))
            {
                tickets[fan.UserId] = turn.Current!;
            }
            else if (turn.Seq is { } seq)
            {
                var issued = Issue(fan.UserId, seq, now);
                started.Add((issued, fan.CorrelationId));
                tickets[fan.UserId] = QueueTicket.Create(issued);
            }
        }

        if (started.Count > 0) await QueueStore.StartTicketStreamsAsync(store, connection, started, cancellation);
        await transaction.CommitAsync(cancellation);
        return tickets;
    }

    /// <summary>
    /// Fans coming back after their last token ended, through Marten: their streams are read for writing (one round trip
    /// for all), so a concurrent write to one of them (the admission job recording that token's lapse) makes the batch
    /// decide again instead of overwriting it.
    /// </summary>
    private Task<Dictionary<Guid, QueueTicket>> ReissueAsync(IReadOnlyList<IssueRequest> fans, CancellationToken cancellation) =>
        store.DecideAndCommitAsync(async session =>
        {
            var now = clock.GetUtcNow();
            await Transactions.BeginAsync(session);
            var turns = await QueueStore.TakeTurnsToIssueAsync(store, session.Connection!, fans.Select(fan => fan.UserId).ToList(), now,
                forReissues: true, cancellation);
            var batch = session.CreateBatchQuery();
            var reads = turns.Where(turn => turn.Seq is not null)
                .ToDictionary(turn => turn.UserId, turn => batch.Events.FetchForWriting<QueueTicket>(QueueTicket.StreamKey(turn.UserId)));
            await batch.Execute(cancellation);
            var tickets = new Dictionary<Guid, QueueTicket>();
            foreach (var (turn, fan) in turns.Zip(fans))
            {
                if (turn.Seq is not { } seq)
                {
                    tickets[fan.UserId] = turn.Current!; // took a live token meanwhile, in another batch
                    continue;
                }

                var issued = session.Events.BuildEvent(Issue(fan.UserId, seq, now));
                issued.CorrelationId = fan.CorrelationId; // the fan's own request, not the batch's first
                (await reads[fan.UserId]).AppendOne(issued);
                tickets[fan.UserId] = QueueTicket.Create((TokenIssued)issued.Data);
            }

            return tickets;
        }, cancellation);

    private void RaiseLatestSeq(long seq)
    {
        for (var latest = LatestSeq; seq > latest; latest = LatestSeq)
        {
            if (Interlocked.CompareExchange(ref _latestSeq, seq, latest) == latest) return;
        }
    }

    private TokenIssued Issue(Guid userId, long seq, DateTimeOffset now) =>
        WaitingLine.Issue(userId, tokens.Sign(userId, seq), seq, now, options.Times);

    private sealed record IssueRequest(Guid UserId, string? CorrelationId, CancellationToken Abandoned)
    {
        public TaskCompletionSource<QueueTicket> Ticket { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
