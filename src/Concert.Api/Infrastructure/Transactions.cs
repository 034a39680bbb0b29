using Marten;

namespace Concert.Api.Infrastructure;

public static class Transactions
{
    /// <summary>
    /// Begins the session's transaction, deliberately without the request's cancellation token. Marten 9.58 opens
    /// the connection and then begins the transaction with the same token: cancelled in between (a fan gives up
    /// while the request waits for a pooled connection), it drops the opened connection without ever returning it
    /// to the pool. Under floods of abandoned requests that emptied a small pool for good. The pool's Timeout still
    /// bounds the wait; everything after the begin stays cancellable (a rollback returns the connection).
    /// </summary>
    public static ValueTask BeginAsync(IDocumentSession session) => session.BeginTransactionAsync(CancellationToken.None);
}
