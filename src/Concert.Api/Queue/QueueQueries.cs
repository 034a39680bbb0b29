using System.Linq.Expressions;
using Concert.Domain.Queue;
using Marten.Linq;

namespace Concert.Api.Queue;

/// <summary>The ticket a queue token belongs to: one unique-index lookup, on every gated request and check.</summary>
public sealed class TicketByToken : ICompiledQuery<QueueTicket, QueueTicket?>
{
    public string Token { get; init; } = "";

    public Expression<Func<IMartenQueryable<QueueTicket>, QueueTicket?>> QueryIs() =>
        tickets => tickets.FirstOrDefault(ticket => ticket.Token == Token);
}

/// <summary>Live waiting fans ahead of a place within its bucket of the line snapshot: at most a bucket's worth of index entries.</summary>
public sealed class WaitingAheadInBucket : ICompiledQuery<QueueTicket, int>
{
    public long BucketStart { get; init; }
    public long Seq { get; init; }
    public DateTimeOffset Now { get; init; }

    public Expression<Func<IMartenQueryable<QueueTicket>, int>> QueryIs() =>
        tickets => tickets.Count(other => other.Seq >= BucketStart && other.Seq < Seq
                                          && other.Status == TicketStatus.Waiting && other.LapsesAt > Now);
}
