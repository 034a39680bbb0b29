namespace Concert.Domain.Queue;

/// <summary>
/// A waiting fan's sign of life is not an event: each node keeps when it last saw the fan, and writes the ticket's lapse
/// time (last seen + WaitingTtl) in bulk, and only when the recorded one is less than half a wait away. A fan who keeps
/// checking is then written about once per half wait, whatever the polling rate; a fan who stops is written one last
/// time (their last check + WaitingTtl) long before that time comes, so the admission job records the lapse on time.
/// </summary>
public static class Presence
{
    /// <summary>How close to its recorded lapse a node stops answering a fan from memory and writes the sign of life at once.</summary>
    public static TimeSpan Margin(TimeSpan waitingTtl) => TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(5).Ticks, waitingTtl.Ticks / 4));

    /// <summary>The lapse time to write for a fan last seen at <paramref name="lastSeen"/>; null while the recorded one is far enough.</summary>
    public static DateTimeOffset? LapseToRecord(DateTimeOffset lastSeen, DateTimeOffset recordedLapse, DateTimeOffset now,
        TimeSpan waitingTtl) =>
        recordedLapse - now < waitingTtl / 2 && lastSeen + waitingTtl > recordedLapse ? lastSeen + waitingTtl : null;

    /// <summary>
    /// Whether a check may be answered without the database: the recorded lapse is far enough ahead that nothing can record
    /// the token as lapsed before the node has written this check down.
    /// </summary>
    public static bool CanAnswerFromMemory(DateTimeOffset recordedLapse, DateTimeOffset now, TimeSpan waitingTtl) =>
        recordedLapse - now >= Margin(waitingTtl);
}
