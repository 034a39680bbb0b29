using System.Diagnostics;
using System.Threading.Channels;
using Concert.Api.Infrastructure;
using Concert.Domain.Queue;
using JasperFx.Events;
using Marten;

namespace Concert.Api.Queue;

/// <summary>
/// Issues ride group commits: the requests that arrive while a batch is being written wait for the next one, and a
/// batch takes every request waiting (up to <see cref="MostPerBatch"/>) in one transaction, each fan still getting a
/// TokenIssued on their own stream. Nothing waits for a batch to fill: an idle line writes each issue at once, and a
/// rush fills the batches by itself. A batch that fails is written again one fan at a time, so one fan's failure never
/// fails another's request.
/// </summary>
public sealed class TokenIssuer(IDocumentStore store, QueueTokens tokens, TimeProvider clock, QueueOptions options)
    : BackgroundService
{
    private const int MostPerBatch = 256;

    /// <summary>Batches written at once: while one commits, the next gathers the requests that keep arriving.</summary>
    private const int Writers = 2;

    private readonly Channel<IssueRequest> _waiting = Channel.CreateUnbounded<IssueRequest>();

    /// <summary>The fan's ticket once it has committed: a new token, or the live one they hold.</summary>
    public Task<QueueTicket> IssueAsync(Guid userId)
    {
        var request = new IssueRequest(userId, Activity.Current?.TraceId.ToHexString());
        if (!_waiting.Writer.TryWrite(request)) throw new OperationCanceledException("The service is stopping.");
        return request.Ticket.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => WriteBatchesAsync(stoppingToken)));
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
            while (batch.Count < MostPerBatch && _waiting.Reader.TryRead(out var request)) batch.Add(request);
            if (batch.Count > 0) await CommitAsync(batch, stoppingToken);
        }
    }

    private async Task CommitAsync(IReadOnlyList<IssueRequest> batch, CancellationToken stoppingToken)
    {
        try
        {
            var tickets = await IssueAllAsync(batch, stoppingToken);
            foreach (var request in batch) request.Ticket.TrySetResult(tickets[request.UserId]);
        }
        catch (Exception e) when (batch.Count > 1 && e is not OperationCanceledException)
        {
            foreach (var request in batch) await CommitAsync([request], stoppingToken);
        }
        catch (Exception e)
        {
            foreach (var request in batch) request.Ticket.TrySetException(e);
        }
    }

    /// <summary>One transaction for the batch; decided again, as a whole, when another writer changed a re-issued fan's stream first.</summary>
    private async Task<Dictionary<Guid, QueueTicket>> IssueAllAsync(IReadOnlyList<IssueRequest> batch, CancellationToken cancellation)
    {
        var fans = batch.DistinctBy(request => request.UserId).ToList();
        return await store.DecideAndCommitAsync(async session =>
        {
            var now = clock.GetUtcNow();
            await Transactions.BeginAsync(session);
            var turns = await QueueStore.TakeTurnsToIssueAsync(session, fans.Select(fan => fan.UserId).ToList(), now, cancellation);
            var reissued = await FetchReissuedAsync(session, turns, cancellation);
            var tickets = new Dictionary<Guid, QueueTicket>();
            foreach (var (turn, request) in turns.Zip(fans))
            {
                if (turn.Seq is not { } seq)
                {
                    tickets[turn.UserId] = turn.Current!; // holds a live token: one place in line per fan
                    continue;
                }

                var issued = session.Events.BuildEvent(
                    WaitingLine.Issue(turn.UserId, tokens.Sign(turn.UserId, seq, now), seq, now, options.Times));
                issued.CorrelationId = request.CorrelationId; // the fan's own request, not the batch's first
                if (reissued.TryGetValue(turn.UserId, out var stream)) stream.AppendOne(issued);
                else session.Events.StartStream<QueueTicket>(QueueTicket.StreamKey(turn.UserId), issued);
                tickets[turn.UserId] = QueueTicket.Create((TokenIssued)issued.Data);
            }

            return tickets;
        }, cancellation);
    }

    /// <summary>The streams of the fans whose earlier token is over, read for writing in one round trip.</summary>
    private static async Task<Dictionary<Guid, IEventStream<QueueTicket>>> FetchReissuedAsync(IDocumentSession session,
        IReadOnlyList<IssueTurn> turns, CancellationToken cancellation)
    {
        var reissued = turns.Where(turn => turn is { Seq: not null, Current: not null }).ToList();
        if (reissued.Count == 0) return [];
        var batch = session.CreateBatchQuery();
        var reads = reissued.Select(turn => (turn.UserId, Stream: batch.Events.FetchForWriting<QueueTicket>(turn.Current!.Id))).ToList();
        await batch.Execute(cancellation);
        var streams = new Dictionary<Guid, IEventStream<QueueTicket>>();
        foreach (var (userId, stream) in reads) streams[userId] = await stream;
        return streams;
    }

    private sealed record IssueRequest(Guid UserId, string? CorrelationId)
    {
        public TaskCompletionSource<QueueTicket> Ticket { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
