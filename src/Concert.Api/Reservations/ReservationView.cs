using System.Text.Json.Serialization;
using Concert.Domain.Reservations;

namespace Concert.Api.Reservations;

/// <summary>A reservation as its fan sees it: the body of POST /reservations and GET /reservations/{id} (paymentId and paidAt once paid).</summary>
public sealed record ReservationView(
    long ReservationId,
    Guid UserId,
    long ConcertId,
    long ScheduleId,
    int SeatNumber,
    ReservationStatus Status,
    DateTimeOffset HoldExpiresAt,
    long Price,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? PaymentId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? PaidAt = null)
{
    public static ReservationView Of(Reservation reservation, DateTimeOffset now) =>
        new(reservation.ReservationId, reservation.UserId, reservation.ConcertId, reservation.ScheduleId,
            reservation.SeatNumber, reservation.StatusAt(now), reservation.HoldExpiresAt, reservation.Price,
            reservation.PaymentId, reservation.PaidAt);
}
