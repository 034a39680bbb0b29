using Concert.Api.Infrastructure;
using Concert.Domain.Wallet;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Services.BatchQuerying;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Concert.Api.Wallet;

/// <summary>How wallets live in Marten: a stream per fan, and its balance as an inline view.</summary>
public static class WalletStore
{
    public static void Configure(StoreOptions options) =>
        options.Projections.Snapshot<FanWallet>(SnapshotLifecycle.Inline);

    /// <summary>
    /// Begins the session's transaction, waits for the lock on the fan's wallet and then reads it: every writer of a
    /// wallet (charge, grant, payment) comes through here, so they take turns instead of failing on each other's
    /// stream versions, and concurrent charges all land.
    /// </summary>
    public static async Task<LockedWallet> LockForWritingAsync(IDocumentSession session,
        Guid userId, CancellationToken cancellation)
    {
        await Transactions.BeginAsync(session);
        var batch = session.CreateBatchQuery();
        var wallet = batch.LockAndFetchWallet(userId);
        await batch.Execute(cancellation);
        return await wallet;
    }

    /// <summary>
    /// Adds to a batch of a session whose transaction has begun: a statement that waits for the wallet's lock, then
    /// the wallet's read. The batch is one round trip, and the read, a statement of its own, still sees what the
    /// lock's previous holder committed.
    /// </summary>
    public static async Task<LockedWallet> LockAndFetchWallet(this IBatchedQuery batch, Guid userId)
    {
        _ = Locks.Take(batch, FanWallet.StreamKey(userId));
        var stream = await batch.Events.FetchForWriting<FanWallet>(FanWallet.StreamKey(userId));
        return new LockedWallet(stream, stream.Aggregate ?? FanWallet.Empty(userId));
    }

    public static async Task<FanWallet> LoadAsync(IQuerySession session, Guid userId, CancellationToken cancellation) =>
        await session.LoadAsync<FanWallet>(FanWallet.StreamKey(userId), cancellation) ?? FanWallet.Empty(userId);
}

/// <summary>
/// A wallet read under its lock, to append to. Wallets are written this way rather than through Wolverine's
/// aggregate handler workflow (<c>[WriteAggregate]</c>): its exclusive style locks the stream's row, and a fan's first
/// charges find no row to lock, so concurrent first charges would fail on each other instead of all landing (a spec
/// proves they land); the optimistic style fails all but one of any concurrent charges. An advisory lock on the
/// stream's key serializes them whether or not the stream exists yet.
/// </summary>
public sealed record LockedWallet(IEventStream<FanWallet> Stream, FanWallet Wallet);

/// <summary>The Wallet:* settings: the charge policy and the time zone whose calendar months the monthly limit counts.</summary>
public sealed class WalletOptions
{
    public long MinCharge { get; set; } = 1_000;
    public long MaxCharge { get; set; } = 1_000_000;
    public long MonthlyLimit { get; set; } = 3_000_000;
    public long MaxBalance { get; set; } = 10_000_000;
    public string TimeZone { get; set; } = "Asia/Seoul";

    private TimeZoneInfo? _zone;

    public ChargePolicy Policy => new(MinCharge, MaxCharge, MonthlyLimit, MaxBalance);

    /// <summary>The calendar month of an instant in <see cref="TimeZone"/>, as "yyyy-MM".</summary>
    public string MonthOf(DateTimeOffset instant)
    {
        _zone ??= TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        return TimeZoneInfo.ConvertTime(instant, _zone).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>A fan's balance: the body of GET /users/{userId}/amount and of an operator's grant.</summary>
public sealed record BalanceView(Guid UserId, long Balance);

/// <summary>A body carrying an amount of KRW: a charge or a grant.</summary>
public sealed record AmountRequest(long? Amount)
{
    /// <summary>The checks before a wallet is touched: the fan's id in the route, and an amount.</summary>
    public static ProblemDetails Validate(string userId, AmountRequest? request)
    {
        if (!Users.TryParse(userId, out _)) return Users.InvalidProblem();
        if (request is null) return Problems.BodyRequired();
        return request.Amount is null
            ? Problems.Create(StatusCodes.Status400BadRequest, ProblemCodes.InvalidAmount, "amount is required.")
            : WolverineContinue.NoProblems;
    }
}
