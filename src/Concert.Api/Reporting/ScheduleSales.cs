using Concert.Domain.Catalog;
using Concert.Domain.Payments;
using Concert.Domain.Reservations;
using Marten.Events.Projections;

namespace Concert.Api.Reporting;

/// <summary>How one schedule sells: built by the async daemon from its seats' streams, rebuildable from them.</summary>
/// <param name="Id">The schedule's id.</param>
/// <param name="HeldNow">Holds neither expired, released nor paid yet, as recorded (a lapsed hold counts until its expiry is).</param>
/// <param name="ReleasedHolds">Holds let go by their fans before they lapsed, or ended by the schedule's cancellation (lapsed unrecorded or not).</param>
/// <param name="Refunds">Tickets refunded: each takes its seat out of <paramref name="SeatsSold"/> and its price out of <paramref name="Revenue"/>.</param>
/// <param name="Cancelled">An operator cancelled the schedule: its holds are released and its tickets refunded.</param>
public sealed record ScheduleSales(
    long Id,
    long ConcertId,
    int Seats,
    int Holds,
    int HeldNow,
    int ExpiredHolds,
    int SeatsSold,
    long Revenue,
    int ReleasedHolds = 0,
    int Refunds = 0,
    bool Cancelled = false)
{
    /// <summary>The share of holds that were paid.</summary>
    public double Conversion => Holds == 0 ? 0 : Math.Round((double)SeatsSold / Holds, 4);
}

public sealed partial class ScheduleSalesProjection : MultiStreamProjection<ScheduleSales, long>
{
    public ScheduleSalesProjection()
    {
        Identity<SeatOpened>(opened => opened.ScheduleId);
        Identity<SeatHeld>(held => held.ScheduleId);
        Identity<HoldExpired>(expired => expired.ScheduleId);
        Identity<HoldReleased>(released => released.ScheduleId);
        Identity<SaleRefunded>(refunded => refunded.ScheduleId);
        Identity<SeatSold>(sold => sold.ScheduleId);
        Identity<SeatWithdrawn>(withdrawn => withdrawn.ScheduleId);
    }

    public static ScheduleSales Create(SeatOpened opened) => new(opened.ScheduleId, opened.ConcertId, 1, 0, 0, 0, 0, 0);

    public static ScheduleSales Apply(SeatOpened opened, ScheduleSales sales) => sales with { Seats = sales.Seats + 1 };

    public static ScheduleSales Apply(SeatHeld held, ScheduleSales sales) =>
        sales with { Holds = sales.Holds + 1, HeldNow = sales.HeldNow + 1 };

    public static ScheduleSales Apply(HoldExpired expired, ScheduleSales sales) =>
        sales with { ExpiredHolds = sales.ExpiredHolds + 1, HeldNow = sales.HeldNow - 1 };

    public static ScheduleSales Apply(HoldReleased released, ScheduleSales sales) =>
        sales with { ReleasedHolds = sales.ReleasedHolds + 1, HeldNow = sales.HeldNow - 1 };

    public static ScheduleSales Apply(SaleRefunded refunded, ScheduleSales sales) =>
        sales with { Refunds = sales.Refunds + 1, SeatsSold = sales.SeatsSold - 1, Revenue = sales.Revenue - refunded.Amount };

    public static ScheduleSales Apply(SeatWithdrawn withdrawn, ScheduleSales sales) => sales with { Cancelled = true };

    public static ScheduleSales Apply(SeatSold sold, ScheduleSales sales) =>
        sales with { SeatsSold = sales.SeatsSold + 1, HeldNow = sales.HeldNow - 1, Revenue = sales.Revenue + sold.Amount };
}
