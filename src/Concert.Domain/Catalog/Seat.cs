using Concert.Domain.Payments;
using Concert.Domain.Reservations;

namespace Concert.Domain.Catalog;

public enum SeatStatus
{
    Available,
    TempReserved,
    Reserved,

    /// <summary>As shown only: a free seat of a cancelled schedule, no longer on sale.</summary>
    Withdrawn,
}

/// <summary>
/// One seat of one schedule, with a stream of its own: every hold or sale of the seat is decided against
/// this stream's version, so two fans can never take the same seat, while different seats never contend.
/// </summary>
public sealed record Seat(
    string Id,
    long ConcertId,
    long ScheduleId,
    int Number,
    long Price,
    SeatStatus Status,
    long? ReservationId,
    DateTimeOffset? HoldExpiresAt,
    bool Withdrawn = false)
{
    public static string StreamKey(long scheduleId, int seatNumber) => $"seat-{scheduleId}-{seatNumber}";

    public static Seat Create(SeatOpened opened) =>
        new(StreamKey(opened.ScheduleId, opened.SeatNumber), opened.ConcertId, opened.ScheduleId, opened.SeatNumber,
            opened.Price, SeatStatus.Available, ReservationId: null, HoldExpiresAt: null);

    public Seat Apply(SeatHeld held) =>
        this with { Status = SeatStatus.TempReserved, ReservationId = held.ReservationId, HoldExpiresAt = held.HoldExpiresAt };

    public Seat Apply(HoldExpired expired) =>
        expired.ReservationId == ReservationId && Status == SeatStatus.TempReserved
            ? this with { Status = SeatStatus.Available, ReservationId = null, HoldExpiresAt = null }
            : this;

    public Seat Apply(HoldReleased released) =>
        released.ReservationId == ReservationId && Status == SeatStatus.TempReserved
            ? this with { Status = SeatStatus.Available, ReservationId = null, HoldExpiresAt = null }
            : this;

    public Seat Apply(SeatSold sold) => this with { Status = SeatStatus.Reserved, HoldExpiresAt = null };

    public Seat Apply(SaleRefunded refunded) =>
        refunded.ReservationId == ReservationId && Status == SeatStatus.Reserved
            ? this with { Status = SeatStatus.Available, ReservationId = null }
            : this;

    /// <summary>Its schedule was cancelled: the hold or sale it has stays until the cancellation settles it.</summary>
    public Seat Apply(SeatWithdrawn withdrawn) => this with { Withdrawn = true };

    /// <summary>Withdrawn with a hold or a sale still on it: its cancellation has yet to release or refund it.</summary>
    public bool AwaitsSettlement => Withdrawn && Status != SeatStatus.Available;

    /// <summary>
    /// A hold that has lapsed frees the seat at once, whether or not its expiry has been recorded yet; a free seat of a
    /// cancelled schedule reads WITHDRAWN.
    /// </summary>
    public SeatStatus StatusAt(DateTimeOffset now)
    {
        var status = Status == SeatStatus.TempReserved && HoldExpiresAt <= now ? SeatStatus.Available : Status;
        return Withdrawn && status == SeatStatus.Available ? SeatStatus.Withdrawn : status;
    }
}
