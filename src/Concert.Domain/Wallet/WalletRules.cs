namespace Concert.Domain.Wallet;

/// <summary>What a fan may charge: Wallet:MinCharge ≤ amount ≤ Wallet:MaxCharge, at most MonthlyLimit a month, a balance of at most MaxBalance.</summary>
public sealed record ChargePolicy(long MinCharge, long MaxCharge, long MonthlyLimit, long MaxBalance);

/// <summary>Why a fan's charge was refused.</summary>
public enum ChargeRefusal
{
    /// <summary>Outside the policy's MinCharge to MaxCharge.</summary>
    AmountOutOfRange,
    MonthlyLimitExceeded,
    BalanceLimitExceeded,
}

/// <summary>Why an operator's grant was refused.</summary>
public enum GrantRefusal
{
    /// <summary>Outside 1 to <see cref="WalletRules.MaxGrant"/>.</summary>
    AmountOutOfRange,
}

/// <summary>Charging and granting money, free of I/O.</summary>
public static class WalletRules
{
    /// <summary>The most an operator grants at once: far above any ticket, far below an overflow.</summary>
    public const long MaxGrant = 1_000_000_000_000;

    /// <summary>A charge within the policy, or the policy's first refusal: amount, then the month, then the balance.</summary>
    public static Decision<WalletCharged, ChargeRefusal> Charge(FanWallet wallet, long amount, string month,
        DateTimeOffset now, ChargePolicy policy)
    {
        if (amount < policy.MinCharge || amount > policy.MaxCharge) return ChargeRefusal.AmountOutOfRange;
        if (wallet.ChargedIn(month) + amount > policy.MonthlyLimit) return ChargeRefusal.MonthlyLimitExceeded;
        if (wallet.Balance + amount > policy.MaxBalance) return ChargeRefusal.BalanceLimitExceeded;
        return new WalletCharged(wallet.UserId, amount, month, now);
    }

    /// <summary>An operator's credit: any positive amount up to <see cref="MaxGrant"/>, outside the charge policy.</summary>
    public static Decision<WalletGranted, GrantRefusal> Grant(FanWallet wallet, long amount, DateTimeOffset now) =>
        amount is < 1 or > MaxGrant ? GrantRefusal.AmountOutOfRange : new WalletGranted(wallet.UserId, amount, now);
}
