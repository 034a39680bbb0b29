using Concert.Domain.Payments;

namespace Concert.Domain.Wallet;

/// <summary>A fan topped up their wallet. Wallet stream (wallet-{userId}).</summary>
/// <param name="Month">The calendar month of the charge in Wallet:TimeZone ("2026-11"): the monthly limit counts by it.</param>
public sealed record WalletCharged(Guid UserId, long Amount, string Month, DateTimeOffset ChargedAt);

/// <summary>An operator credited a fan's wallet, outside the charge policy. Wallet stream.</summary>
public sealed record WalletGranted(Guid UserId, long Amount, DateTimeOffset GrantedAt);

/// <summary>A payment took money from the wallet. Wallet stream.</summary>
public sealed record WalletDebited(Guid UserId, long Amount, long PaymentId, long ReservationId, DateTimeOffset DebitedAt);

/// <summary>A refunded ticket's price went back into the wallet, outside the charge policy. Wallet stream.</summary>
/// <param name="Reason">Refunds recorded before there were reasons were the fans' own (the default).</param>
public sealed record WalletRefunded(Guid UserId, long Amount, long PaymentId, long ReservationId, DateTimeOffset RefundedAt,
    RefundReason Reason = RefundReason.FanAsked);
