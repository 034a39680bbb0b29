using System.Collections.Concurrent;

namespace Concert.Api.Queue;

/// <summary>
/// The places the opening's draw gave the fans of the pre-queue, as this node has learned them: their tokens still
/// carry their entry (a place below zero), so the first check after the draw reads the ticket, and every later one
/// finds the drawn place here and is answered from memory again. Nothing here is the truth: losing it costs each such
/// fan one read.
/// </summary>
public sealed class DrawnPlaces
{
    private readonly ConcurrentDictionary<long, (Guid UserId, long Place)> _byEntry = new();

    public void Learn(TokenClaims entered, long place)
    {
        if (entered.Seq < 0 && place > 0) _byEntry[entered.Seq] = (entered.UserId, place);
    }

    /// <summary>The fan as their drawn place, when the token is of the pre-queue and this node knows where the draw put them.</summary>
    public TokenClaims Placed(TokenClaims fan) =>
        fan.Seq < 0 && _byEntry.TryGetValue(fan.Seq, out var drawn) && drawn.UserId == fan.UserId ? fan with { Seq = drawn.Place } : fan;
}
