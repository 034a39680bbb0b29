namespace Concert.Domain.Wallet;

/// <summary>
/// A fan's prepaid money, with a stream of its own: every change to a balance is decided against this stream,
/// under a lock on it, so a balance never goes negative and concurrent charges all land.
/// </summary>
/// <param name="ChargeMonth">The month of the latest charge; <paramref name="ChargedInMonth"/> is the total charged in it.</param>
public sealed record FanWallet(string Id, Guid UserId, long Balance, string? ChargeMonth, long ChargedInMonth)
{
    public static string StreamKey(Guid userId) => $"wallet-{userId}";

    /// <summary>A fan never seen before has a wallet too: empty.</summary>
    public static FanWallet Empty(Guid userId) => new(StreamKey(userId), userId, 0, ChargeMonth: null, ChargedInMonth: 0);

    public static FanWallet Create(WalletCharged charged) => Empty(charged.UserId).Apply(charged);

    public static FanWallet Create(WalletGranted granted) => Empty(granted.UserId).Apply(granted);

    public FanWallet Apply(WalletCharged charged) => this with
    {
        Balance = Balance + charged.Amount,
        ChargeMonth = charged.Month,
        ChargedInMonth = ChargedIn(charged.Month) + charged.Amount,
    };

    public FanWallet Apply(WalletGranted granted) => this with { Balance = Balance + granted.Amount };

    public FanWallet Apply(WalletDebited debited) => this with { Balance = Balance - debited.Amount };

    public FanWallet Apply(WalletRefunded refunded) => this with { Balance = Balance + refunded.Amount };

    public long ChargedIn(string month) => ChargeMonth == month ? ChargedInMonth : 0;
}
