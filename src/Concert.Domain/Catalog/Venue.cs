namespace Concert.Domain.Catalog;

/// <summary>The hall every schedule plays in: seats 1..50 priced by tier unless the operator says otherwise.</summary>
public static class Venue
{
    public const int SeatCount = 50;

    public static bool IsSeat(int seatNumber) => seatNumber is >= 1 and <= SeatCount;

    public static IEnumerable<int> SeatNumbers => Enumerable.Range(1, SeatCount);

    public static long DefaultPrice(int seatNumber) => seatNumber switch
    {
        <= 10 => 110_000,
        <= 30 => 80_000,
        _ => 60_000,
    };
}
