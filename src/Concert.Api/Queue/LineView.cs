using Concert.Api.Infrastructure;
using Concert.Domain.Queue;
using Marten;

namespace Concert.Api.Queue;

/// <summary>The line snapshot and the operator's controls, as a node holds them in memory.</summary>
public sealed record LineReading(LineSnapshot Line, QueueControl Control);

/// <summary>
/// This node's copy of the line snapshot and the operator's controls, so that checks and issues never read them from
/// the database. The admission run that wrote a snapshot shows it at once on its node; every node polls the two
/// documents' write times every <see cref="PollInterval"/> and rereads them when either changed, so a copy trails the
/// latest run by at most that. A copy never goes back to an older count.
/// </summary>
public sealed class LineView(IDocumentStore store, ILogger<LineView> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private readonly Lock _reading = new();
    private volatile Copy? _copy;
    private Task<Copy>? _read;
    private bool _failing;

    /// <summary>The line as this node last read it, if it has yet (the telemetry's gauges).</summary>
    public LineSnapshot? Latest => _copy?.Reading.Line;

    public async ValueTask<LineReading> CurrentAsync(CancellationToken cancellation) =>
        _copy?.Reading ?? (await ReadOnceAsync().WaitAsync(cancellation)).Reading;

    /// <summary>
    /// The copy, reread first if it does not know of the opening a fan of the pre-queue is waiting for (the operator set
    /// it within the last poll): that fan is told when the sale opens, not "now".
    /// </summary>
    public async ValueTask<LineReading> ForPreQueueAsync(CancellationToken cancellation)
    {
        var line = await CurrentAsync(cancellation);
        if (line.Control.HasPreQueue) return line;
        await RefreshAsync(cancellation);
        return await CurrentAsync(cancellation);
    }

    /// <summary>The snapshot this node's admission run has just committed.</summary>
    public void Show(LineSnapshot line)
    {
        if (_copy is { } copy && line.ComputedAt >= copy.Reading.Line.ComputedAt)
        {
            _copy = copy with { Reading = copy.Reading with { Line = line } };
        }
    }

    /// <summary>Rereads the documents if either was written since this node read them.</summary>
    public async Task RefreshAsync(CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var written = await QueueStore.LineWrittenAsync(session, cancellation);
        if (_copy is not { } copy || copy.Written != written) await ReadOnceAsync().WaitAsync(cancellation);
        _failing = false;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Periodic.RunAsync(new PeriodicTimer(PollInterval), RefreshAsync, e =>
        {
            if (!_failing) logger.LogWarning(e, "Reading the line snapshot failed; this node answers from its copy until a poll succeeds");
            _failing = true;
        }, stoppingToken);

    /// <summary>One read at a time: whoever needs the copy while it is being read waits for that read.</summary>
    private Task<Copy> ReadOnceAsync()
    {
        lock (_reading)
        {
            return _read is { IsCompleted: false } running ? running : _read = ReadAsync();
        }
    }

    private async Task<Copy> ReadAsync()
    {
        await using var session = store.QuerySession();
        var (line, control, written) = await QueueStore.ReadLineAsync(session, CancellationToken.None);
        var read = new LineReading(line ?? LineSnapshot.Empty, control ?? QueueControl.Initial);
        // A run this node showed while the read was under way may be newer than what the read found.
        if (_copy is { } shown && shown.Reading.Line.ComputedAt > read.Line.ComputedAt) read = read with { Line = shown.Reading.Line };
        var copy = new Copy(read, written);
        _copy = copy;
        return copy;
    }

    private sealed record Copy(LineReading Reading, LineWritten Written);
}
