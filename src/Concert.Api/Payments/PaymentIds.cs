using Concert.Api.Infrastructure;

namespace Concert.Api.Payments;

/// <summary>Payment ids: see <see cref="IdBlocks"/>.</summary>
public sealed class PaymentIds() : IdBlocks(Sequence)
{
    public const string Sequence = "payment_ids";
}
