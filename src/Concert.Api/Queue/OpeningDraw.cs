using Concert.Api.Infrastructure;
using Concert.Domain.Queue;
using Marten;

namespace Concert.Api.Queue;

/// <summary>
/// The sale's opening, run by the admission job before each run's admissions: once the opening is due, the fans still
/// in the pre-queue are drawn (<see cref="PreQueueDraw"/>) and take consecutive places at the end of the line in drawn
/// order; after an opening is called off, they take them in arrival order. One transaction, under the admission lock
/// and the count lock held alone (no issue is between drawing a place and committing it, so nobody who entered the
/// pre-queue is missed, and everyone who comes after stands behind), and written against the version of the control
/// stream it read: with several nodes, across restarts, the draw is recorded once.
/// </summary>
public static class OpeningDraw
{
    /// <returns>Whether it placed the pre-queue (or recorded a draw of nobody).</returns>
    /// <param name="known">This node's copy of the controls (<see cref="LineView"/>): with no opening due or called off, the
    /// run reads nothing more; the decision itself reads the control stream again under the locks.</param>
    public static async Task<bool> PlaceThePreQueueIfDueAsync(IDocumentStore store, QueueControl known, QueueOptions options,
        DateTimeOffset now, CancellationToken cancellation)
    {
        if (!known.IsDueToDraw(now) && !known.IsCalledOff) return false;

        await using var session = store.LightweightSession();
        await Transactions.BeginAsync(session);
        await Locks.TakeAsync(session, QueueAdmission.AdmissionLock, cancellation);
        await Locks.TakeAsync(session, QueueStore.CountLock, cancellation);
        var control = await session.Events.FetchForWriting<QueueControl>(QueueControl.StreamKey, cancellation);
        var current = control.Aggregate ?? QueueControl.Initial;
        var due = current.IsDueToDraw(now);
        if (!due && !current.IsCalledOff) return false; // moved, or placed by another node meanwhile

        var entrants = (await QueueStore.PreQueueAsync(session, now, cancellation)).ToDictionary(ticket => -ticket.Seq);
        var firstSeq = entrants.Count == 0 ? 0 : await QueueStore.ReservePlacesAsync(session, entrants.Count, cancellation);
        IReadOnlyList<long> order;
        if (due)
        {
            var (drawn, drawnOrder) = PreQueueDraw.Draw(PreQueueDraw.NewSeed(), entrants.Keys, firstSeq, now);
            order = drawnOrder;
            control.AppendOne(drawn);
        }
        else
        {
            order = entrants.Keys.Order().ToList();
            control.AppendOne(new PreQueueJoinedLine(now, order.Count, firstSeq));
        }

        await QueueStore.PlaceDrawnAsync(session, order.Select((entry, i) => (entrants[entry], firstSeq + i)).ToList(),
            now + options.WaitingTtl, cancellation);
        await session.SaveChangesAsync(cancellation);
        return true;
    }
}
