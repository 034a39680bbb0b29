using System.Collections.Concurrent;
using Concert.Api.Infrastructure;
using Concert.Domain.Queue;
using Marten;

namespace Concert.Api.Queue;

/// <summary>
/// Where this node last saw each waiting fan, and the lapse time it knows PostgreSQL has recorded for them: a check
/// is answered from here, and the signs of life are written in bulk, at most once every <see cref="FlushInterval"/>, by
/// the rules of <see cref="Presence"/>. A fan this node has not seen yet (a token issued by another node, or before a
/// restart) is read from the database once. Nothing here is the truth: losing it (a crash) costs each fan one read.
/// </summary>
public sealed class PresenceBook(IDocumentStore store, TimeProvider clock, QueueOptions options, ILogger<PresenceBook> logger)
    : BackgroundService
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long ago the oldest sign of life the last flush wrote was seen; 0 when it had none to write.</summary>
    public double LastFlushLagSeconds { get; private set; }

    /// <summary>The most signs of life written in one statement.</summary>
    private const int MostPerStatement = 5_000;

    private readonly ConcurrentDictionary<long, Sighting> _bySeq = new();

    /// <summary>A check this node can answer from memory: the fan is known here and far from their recorded lapse. Noted.</summary>
    public bool TrySee(TokenClaims fan, DateTimeOffset now)
    {
        if (!_bySeq.TryGetValue(fan.Seq, out var sighting) || sighting.UserId != fan.UserId
            || !Presence.CanAnswerFromMemory(sighting.RecordedLapse, now, options.WaitingTtl))
        {
            return false;
        }

        sighting.Seen(now);
        return true;
    }

    /// <summary>
    /// A waiting fan as the database has them (just issued, asking again, or checking where memory could not answer):
    /// noted, and written at once if their recorded lapse is too close to wait for the next flush.
    /// </summary>
    public async Task SawAsync(QueueTicket ticket, DateTimeOffset now, CancellationToken cancellation)
    {
        var sighting = _bySeq.AddOrUpdate(ticket.Seq,
            _ => new Sighting(ticket.UserId, now, ticket.LapsesAt),
            (_, known) => known.UserId == ticket.UserId ? known.Seen(now).Recorded(ticket.LapsesAt) : new Sighting(ticket.UserId, now, ticket.LapsesAt));
        if (!Presence.CanAnswerFromMemory(sighting.RecordedLapse, now, options.WaitingTtl))
        {
            await WriteAsync([(ticket.Seq, now + options.WaitingTtl)], now, cancellation);
        }
    }

    /// <summary>The position to tell a fan: never more than this node told them before (a copy of the line can trail another's).</summary>
    public long Tell(long seq, long position) => _bySeq.TryGetValue(seq, out var sighting) ? sighting.Told(position) : position;

    /// <summary>Writes the signs of life that are due, and forgets the fans who have gone (their lapse is recorded and past).</summary>
    public Task FlushAsync(CancellationToken cancellation) => WriteDueAsync(everyone: false, cancellation);

    // Nothing is lost when a flush fails: the signs of life stay due, and a fan near their lapse is read and written
    // at their next check.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Periodic.RunAsync(new PeriodicTimer(FlushInterval), FlushAsync,
            e => logger.LogWarning(e, "Writing waiting fans' signs of life failed; the next flush tries again"), stoppingToken);

    /// <summary>A node that stops (a deploy) first writes every sign of life it has not written, due or not.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await WriteDueAsync(everyone: true, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Writing waiting fans' signs of life on the way down failed; their lapses stand as last written");
        }
    }

    private async Task WriteDueAsync(bool everyone, CancellationToken cancellation)
    {
        var now = clock.GetUtcNow();
        var due = new List<(long Seq, DateTimeOffset LapsesAt)>();
        DateTimeOffset? oldestSeen = null;
        foreach (var (seq, sighting) in _bySeq)
        {
            var lastLapse = sighting.LastSeen + options.WaitingTtl;
            if (sighting.RecordedLapse <= now && lastLapse <= now) _bySeq.TryRemove(seq, out _);
            else if (Presence.LapseToRecord(sighting.LastSeen, sighting.RecordedLapse, now, options.WaitingTtl) is { } lapse)
            {
                due.Add((seq, lapse));
                if (oldestSeen is null || sighting.LastSeen < oldestSeen) oldestSeen = sighting.LastSeen;
            }
            else if (everyone && lastLapse > sighting.RecordedLapse) due.Add((seq, lastLapse));
        }

        // In the order of the places, as the admission job takes the same rows: two writers never wait on each other in a circle.
        foreach (var chunk in due.OrderBy(lapse => lapse.Seq).Chunk(MostPerStatement)) await WriteAsync(chunk, clock.GetUtcNow(), cancellation);
        LastFlushLagSeconds = oldestSeen is { } seen ? (clock.GetUtcNow() - seen).TotalSeconds : 0;
    }

    /// <summary>Fans whose lapse was not written have left the line, lapsed, or were written later by another node: read them again.</summary>
    private async Task WriteAsync(IReadOnlyList<(long Seq, DateTimeOffset LapsesAt)> lapses, DateTimeOffset now, CancellationToken cancellation)
    {
        var written = await QueueStore.RecordPresenceAsync(store, lapses, now, cancellation);
        foreach (var (seq, lapse) in lapses)
        {
            if (!_bySeq.TryGetValue(seq, out var sighting)) continue;
            if (written.Contains(seq)) sighting.Recorded(lapse);
            else _bySeq.TryRemove(new KeyValuePair<long, Sighting>(seq, sighting));
        }
    }

    /// <summary>One fan as this node knows them; updated by concurrent requests, so every field only ever moves one way.</summary>
    private sealed class Sighting(Guid userId, DateTimeOffset seen, DateTimeOffset recordedLapse)
    {
        private long _lastSeen = seen.UtcTicks;
        private long _recordedLapse = recordedLapse.UtcTicks;
        private long _told = long.MaxValue;

        public Guid UserId { get; } = userId;

        public DateTimeOffset LastSeen => new(Interlocked.Read(ref _lastSeen), TimeSpan.Zero);

        public DateTimeOffset RecordedLapse => new(Interlocked.Read(ref _recordedLapse), TimeSpan.Zero);

        public Sighting Seen(DateTimeOffset now) => Raise(ref _lastSeen, now.UtcTicks);

        public Sighting Recorded(DateTimeOffset lapse) => Raise(ref _recordedLapse, lapse.UtcTicks);

        public long Told(long position)
        {
            long told;
            do
            {
                told = Interlocked.Read(ref _told);
                if (position >= told) return told;
            } while (Interlocked.CompareExchange(ref _told, position, told) != told);

            return position;
        }

        private Sighting Raise(ref long field, long value)
        {
            long current;
            do
            {
                current = Interlocked.Read(ref field);
                if (value <= current) return this;
            } while (Interlocked.CompareExchange(ref field, value, current) != current);

            return this;
        }
    }
}
