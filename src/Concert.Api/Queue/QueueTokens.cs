using System.Buffers.Text;
using System.Security.Cryptography;
using Concert.Api.Infrastructure;
using Concert.Domain.Queue;
using JasperFx.Events;
using Marten;

namespace Concert.Api.Queue;

/// <summary>Queue tokens: opaque, unguessable, and ended at once when a fan's business is done.</summary>
public static class QueueTokens
{
    private const int RandomBytes = 18;
    private static readonly int TokenLength = Base64Url.GetEncodedLength(RandomBytes);

    /// <summary>144 random bits, base64url.</summary>
    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RandomBytes));

    public static bool IsWellFormed(string? token) =>
        token is not null && token.Length == TokenLength && Base64Url.IsValid(token, out var decodedLength)
        && decodedLength == RandomBytes;

    /// <summary>
    /// Ends the fan's live token, as an event of the caller's session, so it commits with the caller's other events
    /// (a payment expires its payer's token in the payment's own transaction).
    /// </summary>
    public static void End(IEventStream<QueueTicket> ticket, DateTimeOffset now)
    {
        if (ticket.Aggregate is not null && WaitingLine.End(ticket.Aggregate, now) is { } ended)
        {
            ticket.AppendOne(ended);
        }
    }

    /// <summary>A waiting fan's check: renews the token when a renewal step has passed since the last one.</summary>
    public static Task<QueueTicket> RenewIfDueAsync(IDocumentStore store, QueueTicket ticket, DateTimeOffset now,
        QueueTimes times, CancellationToken cancellation)
    {
        if (WaitingLine.Renew(ticket, now, times) is null) return Task.FromResult(ticket);
        return store.DecideAndCommitAsync(async session =>
        {
            var stream = await session.Events.FetchForWriting<QueueTicket>(ticket.Id, cancellation);
            var current = stream.Aggregate!;
            if (current.Token != ticket.Token || WaitingLine.Renew(current, now, times) is not { } renewal) return current;
            stream.AppendOne(renewal);
            return current.Apply(renewal);
        }, cancellation);
    }
}
