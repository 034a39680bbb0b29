using System.Globalization;
using Concert.Domain.Payments;
using Marten.Events.Projections;

namespace Concert.Api.Reporting;

/// <summary>The payments of one day of the venue's calendar (Catalog:TimeZone): built by the async daemon.</summary>
/// <param name="Id">The day, yyyy-MM-dd.</param>
public sealed record DailySales(string Id, int Payments, long Revenue);

public sealed partial class DailySalesProjection : MultiStreamProjection<DailySales, string>
{
    private readonly TimeZoneInfo _venueZone;

    public DailySalesProjection(TimeZoneInfo venueZone)
    {
        _venueZone = venueZone;
        Identity<PaymentConfirmed>(paid => DayOf(paid.PaidAt));
    }

    public DailySales Create(PaymentConfirmed paid) => new(DayOf(paid.PaidAt), 1, paid.Amount);

    public static DailySales Apply(PaymentConfirmed paid, DailySales sales) =>
        sales with { Payments = sales.Payments + 1, Revenue = sales.Revenue + paid.Amount };

    private string DayOf(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, _venueZone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
