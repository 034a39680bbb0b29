using Concert.Api.Infrastructure;
using Concert.Domain.Payments;
using Concert.Domain.Wallet;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace Concert.Api.Wallet;

public enum WalletTransactionType
{
    Charge,
    Grant,
    Payment,
    Refund,
}

/// <param name="Amount">KRW, as every amount of the API (≥ 1): in for a charge, a grant or a refund, out for a payment.</param>
/// <param name="BalanceAfter">The balance once this transaction was recorded.</param>
/// <param name="RefundReason">A refund's: the fan asked, or the show was cancelled; null for the other types.</param>
public sealed record WalletTransaction(WalletTransactionType Type, long Amount, long BalanceAfter, DateTimeOffset At,
    long? PaymentId, long? ReservationId, RefundReason? RefundReason = null);

public sealed record WalletTransactionPage(IReadOnlyList<WalletTransaction> Items, int Page, int Size, int Total);

public static class WalletTransactionsEndpoint
{
    /// <summary>
    /// Read from the wallet's own stream at the time of asking (a fan's wallet holds tens of events, not thousands), so the
    /// listing is never behind the balance.
    /// </summary>
    [WolverineGet("/users/{userId}/wallet/transactions")]
    [Tags("Wallet")]
    [EndpointSummary("The fan's wallet, transaction by transaction, newest first: charges, grants, payments and refunds, each with the balance after it. Never behind the balance.")]
    [ProblemResponse(400, ProblemCodes.InvalidUser, "userId must be a UUID other than the nil UUID.")]
    [ProblemResponse(400, ProblemCodes.InvalidRequest, "page must be 0 or more and size 1 to 100.")]
    public static async Task<Results<Ok<WalletTransactionPage>, ProblemHttpResult>> Get(string userId, int? page, int? size,
        IDocumentStore store, CancellationToken cancellation)
    {
        if (!Users.TryParse(userId, out var fan)) return TypedResults.Problem(Users.InvalidProblem());
        if (!Paging.TryRead(page, size, out var paging, out var invalid)) return TypedResults.Problem(invalid);
        await using var session = store.QuerySession();
        var events = await session.Events.FetchStreamAsync(FanWallet.StreamKey(fan), token: cancellation);
        var wallet = FanWallet.Empty(fan);
        var transactions = new List<WalletTransaction>();
        foreach (var recorded in events)
        {
            if (Transaction(recorded.Data, ref wallet) is { } transaction) transactions.Add(transaction);
        }

        transactions.Reverse();
        return TypedResults.Ok(new WalletTransactionPage(paging.Of(transactions), paging.Page, paging.Size, transactions.Count));
    }

    /// <summary>The event as a transaction, its balance after it the wallet's own (<see cref="FanWallet"/>'s Apply).</summary>
    private static WalletTransaction? Transaction(object recorded, ref FanWallet wallet)
    {
        switch (recorded)
        {
            case WalletCharged charged:
                wallet = wallet.Apply(charged);
                return new(WalletTransactionType.Charge, charged.Amount, wallet.Balance, charged.ChargedAt, null, null);
            case WalletGranted granted:
                wallet = wallet.Apply(granted);
                return new(WalletTransactionType.Grant, granted.Amount, wallet.Balance, granted.GrantedAt, null, null);
            case WalletDebited debited:
                wallet = wallet.Apply(debited);
                return new(WalletTransactionType.Payment, debited.Amount, wallet.Balance, debited.DebitedAt, debited.PaymentId, debited.ReservationId);
            case WalletRefunded refunded:
                wallet = wallet.Apply(refunded);
                return new(WalletTransactionType.Refund, refunded.Amount, wallet.Balance, refunded.RefundedAt, refunded.PaymentId,
                    refunded.ReservationId, refunded.Reason);
            default:
                return null;
        }
    }
}
