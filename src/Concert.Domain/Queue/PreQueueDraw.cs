using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Concert.Domain.Queue;

/// <summary>
/// The opening's draw, free of I/O: a shuffle of the pre-queue's entrants driven by a recorded seed, so anyone holding
/// the events can order them again and check the digest. Its random numbers are SHA-256 of the seed and a counter (not
/// <see cref="Random"/>, whose sequence for a seed may change between .NET versions), bounded without bias by
/// rejection, in a Fisher–Yates shuffle: every order of the entrants is equally likely.
/// </summary>
public static class PreQueueDraw
{
    public const int SeedBytes = 32;

    public static byte[] NewSeed() => RandomNumberGenerator.GetBytes(SeedBytes);

    /// <summary>The entrants (entry numbers) in drawn order: the first drawn takes the first place.</summary>
    public static long[] Order(ReadOnlySpan<byte> seed, IEnumerable<long> entrants)
    {
        var order = entrants.Order().ToArray();
        var random = new SeededNumbers(seed);
        for (var last = order.Length - 1; last > 0; last--)
        {
            var chosen = (int)random.Below((ulong)last + 1);
            (order[last], order[chosen]) = (order[chosen], order[last]);
        }

        return order;
    }

    /// <summary>The entry numbers of runs of consecutive entrants.</summary>
    public static IEnumerable<long> Expand(IEnumerable<PlaceRun> runs) =>
        runs.SelectMany(run => Enumerable.Range(0, run.Length).Select(offset => run.Start + offset));

    /// <summary>Consecutive entry numbers as runs, the way the draw records them.</summary>
    public static IReadOnlyList<PlaceRun> Runs(IEnumerable<long> entrants)
    {
        var runs = new List<PlaceRun>();
        foreach (var entrant in entrants.Order())
        {
            if (runs.Count > 0 && runs[^1].End == entrant) runs[^1] = runs[^1] with { Length = runs[^1].Length + 1 };
            else runs.Add(new PlaceRun(entrant, 1));
        }

        return runs;
    }

    /// <summary>SHA-256 (hex) of the order, each entry number as 8 bytes big-endian.</summary>
    public static string Digest(IReadOnlyList<long> order)
    {
        var bytes = new byte[order.Count * 8];
        for (var i = 0; i < order.Count; i++) BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(i * 8), order[i]);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>The draw of the fans in the pre-queue now: the event that records it (places from <paramref name="firstSeq"/>) and the order.</summary>
    public static (PreQueueDrawn Drawn, long[] Order) Draw(byte[] seed, IReadOnlyCollection<long> entrants, long firstSeq,
        DateTimeOffset now)
    {
        var order = Order(seed, entrants);
        return (new PreQueueDrawn(now, Convert.ToBase64String(seed), Runs(entrants), order.Length, firstSeq, Digest(order)), order);
    }

    /// <summary>The order a recorded draw gave, recomputed from its seed and entrants, and whether it matches the digest.</summary>
    public static (long[] Order, bool Matches) Replay(PreQueueDrawn drawn)
    {
        var order = Order(Convert.FromBase64String(drawn.Seed), Expand(drawn.Entrants));
        return (order, order.Length == drawn.Count && Digest(order) == drawn.Digest);
    }

    private sealed class SeededNumbers(ReadOnlySpan<byte> seed)
    {
        private readonly byte[] _input = [.. seed, 0, 0, 0, 0, 0, 0, 0, 0];
        private readonly byte[] _block = new byte[32];
        private long _counter;
        private int _used = 32;

        /// <summary>A number in [0, bound), every one equally likely.</summary>
        public ulong Below(ulong bound)
        {
            var tooHigh = ulong.MaxValue - ulong.MaxValue % bound; // values at or past it would favour the low numbers
            ulong value;
            do value = Next(); while (value >= tooHigh);
            return value % bound;
        }

        private ulong Next()
        {
            if (_used == _block.Length)
            {
                BinaryPrimitives.WriteInt64BigEndian(_input.AsSpan(_input.Length - 8), _counter++);
                SHA256.HashData(_input, _block);
                _used = 0;
            }

            var value = BinaryPrimitives.ReadUInt64BigEndian(_block.AsSpan(_used));
            _used += 8;
            return value;
        }
    }
}
