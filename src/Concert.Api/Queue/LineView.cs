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
/// latest run by at most that.
/// </summary>
public sealed class LineView(IDocumentStore store, ILogger<LineView> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private volatile Copy? _copy;

    public async ValueTask<LineReading> CurrentAsync(CancellationToken cancellation) =>
        _copy?.Reading ?? (await ReadAsync(cancellation)).Reading;

    /// <summary>The snapshot this node's admission run has just committed.</summary>
    public void Show(LineSnapshot line)
    {
        if (_copy is { } copy) _copy = copy with { Reading = copy.Reading with { Line = line } };
    }

    /// <summary>Reread both at the next request (the operator changed the controls on this node).</summary>
    public void Forget() => _copy = null;

    /// <summary>Rereads the documents if either was written since this node read them.</summary>
    public async Task RefreshAsync(CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var written = await QueueStore.LineWrittenAsync(session, cancellation);
        if (_copy is not { } copy || copy.Written != written) await ReadAsync(cancellation);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Periodic.RunAsync(new PeriodicTimer(PollInterval), RefreshAsync,
            e => logger.LogDebug(e, "Reading the line snapshot failed; this node keeps its copy until the next poll"), stoppingToken);

    private async Task<Copy> ReadAsync(CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var (line, control, written) = await QueueStore.ReadLineAsync(session, cancellation);
        var copy = new Copy(new LineReading(line ?? LineSnapshot.Empty, control ?? QueueControl.Initial), written);
        _copy = copy;
        return copy;
    }

    private sealed record Copy(LineReading Reading, LineWritten Written);
}
