using Marten;

namespace Concert.Api.Infrastructure;

/// <summary>
/// Integer ids handed out by each process from blocks of <see cref="Block"/> it draws from a sequence, so a write
/// does not pay a round trip for its id. Ids stay unique integers ≥ 1; they are not gap-free.
/// </summary>
public abstract class IdBlocks(string sequence)
{
    public const int Block = 100;

    private readonly Lock _gate = new();
    private long _next;
    private long _end;

    public async Task<long> NextAsync(IQuerySession session, CancellationToken cancellation)
    {
        lock (_gate)
        {
            if (_next < _end) return _next++;
        }

        var block = await Sequences.NextAsync(session, sequence, cancellation);
        lock (_gate)
        {
            if (_next >= _end) (_next, _end) = (block * Block, block * Block + Block);
            return _next++;
        }
    }
}
