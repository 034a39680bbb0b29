namespace Concert.Domain.Wallet;

/// <summary>What a fan may charge: Wallet:MinCharge ≤ amount ≤ Wallet:MaxCharge, at most MonthlyLimit a month, a balance of at most MaxBalance.</summary>
public sealed record ChargePolicy(long MinCharge, long MaxCharge, long MonthlyLimit, long MaxBalance);

/// <summary>A change of a wallet that was refused, with the contract's code.</summary>
public sealed record WalletRefusal(string Code, string Message);

/// <summary>Charging and granting money, free of I/O.</summary>
public static class WalletRules
{
    /// <summary>The most an operator grants at once: far above any ticket, far below an overflow.</summary>
    public const long MaxGrant = 1_000_000_000_000;

    /// <summary>A charge within the policy, or the policy's first refusal: amount, then the month, then the balance.</summary>
    public static (WalletCharged? Charged, WalletRefusal? Refusal) Charge(FanWallet wallet, long amount, string month,
        DateTimeOffset now, ChargePolicy policy)
    {
        if (amount < policy.MinCharge || amount > policy.MaxCharge)
        {
            return Refused<WalletCharged>("INVALID_AMOUNT", $"amount must be {policy.MinCharge} to {policy.MaxCharge}.");
        }

        if (wallet.ChargedIn(month) + amount > policy.MonthlyLimit)
        {
            return Refused<WalletCharged>("MONTHLY_LIMIT_EXCEEDED",
                $"Charges of {month} would pass the monthly limit of {policy.MonthlyLimit} ({wallet.ChargedIn(month)} charged so far).");
        }

        if (wallet.Balance + amount > policy.MaxBalance)
        {
            return Refused<WalletCharged>("BALANCE_LIMIT_EXCEEDED",
                $"The balance would pass the limit of {policy.MaxBalance} (balance {wallet.Balance}).");
        }

        return (new WalletCharged(wallet.UserId, amount, month, now), null);
    }

    /// <summary>An operator's credit: any positive amount up to <see cref="MaxGrant"/>, outside the charge policy.</summary>
    public static (WalletGranted? Granted, WalletRefusal? Refusal) Grant(FanWallet wallet, long amount, DateTimeOffset now) =>
        amount is < 1 or > MaxGrant
            ? Refused<WalletGranted>("INVALID_AMOUNT", $"amount must be 1 to {MaxGrant}.")
            : (new WalletGranted(wallet.UserId, amount, now), null);

    private static (T?, WalletRefusal) Refused<T>(string code, string message) where T : class =>
        (null, new WalletRefusal(code, message));
}
