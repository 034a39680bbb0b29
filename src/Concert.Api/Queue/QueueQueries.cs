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
