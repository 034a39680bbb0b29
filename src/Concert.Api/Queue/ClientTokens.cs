using System.Collections.Concurrent;
using Concert.Api.Infrastructure;
using Concert.Domain.Queue;
using Marten;

namespace Concert.Api.Queue;

/// <summary>
/// Queue:MaxTokensPerClient: the fans this node gave a place to, per client address, so that one address (a bot
/// farming userIds, which the seed lets be any UUID) holds at most so many live tokens. The count is checked against
/// the tickets only when an address reaches the limit, and only for that address's fans. Each node counts the places
/// it gave: behind a balancer that spreads one address over N nodes, the address can hold up to N times the limit. While
/// the limit is on, the node keeps every fan it placed per address until that address reaches its limit (a few dozen
/// bytes a fan: 100,000 fans cost a few megabytes); concurrent first requests of one address can pass the limit by a few.
/// </summary>
public sealed class ClientTokens(QueueOptions options, IDocumentStore store, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Guid, byte>> _fansByClient = new();

    public bool IsOn => options.MaxTokensPerClient > 0;

    /// <summary>
    /// Whether the address may take a place for this fan: under its limit, or asking for a fan who already holds a live
    /// token (placed by this node, another one, or before a restart: they get it back, no new place is taken).
    /// </summary>
    public async Task<bool> MayIssueAsync(string client, Guid userId, CancellationToken cancellation)
    {
        if (!IsOn || !_fansByClient.TryGetValue(client, out var fans) || fans.ContainsKey(userId)) return true;
        if (fans.Count < options.MaxTokensPerClient) return true;

        await using var query = store.QuerySession();
        var tickets = await query.LoadManyAsync<QueueTicket>(cancellation,
            fans.Keys.Append(userId).Select(QueueTicket.StreamKey).ToArray());
        var live = tickets.Where(ticket => WaitingLine.HoldsLiveToken(ticket, clock.GetUtcNow())).Select(ticket => ticket.UserId).ToHashSet();
        foreach (var fan in fans.Keys.Where(fan => !live.Contains(fan))) fans.TryRemove(fan, out _);
        return live.Contains(userId) || fans.Count < options.MaxTokensPerClient;
    }


    public void Issued(string client, Guid userId)
    {
        if (IsOn) _fansByClient.GetOrAdd(client, _ => new ConcurrentDictionary<Guid, byte>())[userId] = 0;
    }
}
