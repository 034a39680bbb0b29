using System.Diagnostics;
using Concert.Domain.Queue;
using Marten;

namespace Concert.Api.Queue;

/// <summary>
/// The line snapshot and the operator's controls as this node last read them, reused for a tenth of a second:
/// every check and issue needs them, and they change only when an admission run or an operator writes them
/// (this node forgets its copy at once when it does either; other nodes within <see cref="Freshness"/>).
/// </summary>
public sealed class LineView(IDocumentStore store)
{
    public static readonly TimeSpan Freshness = TimeSpan.FromMilliseconds(100);

    private volatile Reading? _last;

    public async Task<(LineSnapshot Line, QueueControl Control)> CurrentAsync(CancellationToken cancellation)
    {
        var last = _last;
        if (last is not null && Stopwatch.GetElapsedTime(last.ReadAt) < Freshness) return (last.Line, last.Control);

        await using var session = store.QuerySession();
        var batch = session.CreateBatchQuery();
        var line = batch.Load<LineSnapshot>(LineSnapshot.TheId);
        var control = batch.Load<QueueControl>(QueueControl.StreamKey);
        await batch.Execute(cancellation);
        var reading = new Reading(await line ?? LineSnapshot.Empty, await control ?? QueueControl.Initial, Stopwatch.GetTimestamp());
        _last = reading;
        return (reading.Line, reading.Control);
    }

    public void Forget() => _last = null;

    private sealed record Reading(LineSnapshot Line, QueueControl Control, long ReadAt);
}
