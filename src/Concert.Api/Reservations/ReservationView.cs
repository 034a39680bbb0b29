using Concert.Domain.Reservations;

namespace Concert.Api.Reservations;

/// <summary>A reservation as its fan sees it: the body of POST /reservations and GET /reservations/{id}.</summary>
public sealed record ReservationView(
    long ReservationId,
    Guid UserId,
    long ConcertId,
    long ScheduleId,
    int SeatNumber,
    ReservationStatus Status,
    DateTimeOffset HoldExpiresAt,
    long Price)
{
    public static ReservationView Of(Reservation reservation, DateTimeOffset now) =>
        new(reservation.ReservationId, reservation.UserId, reservation.ConcertId, reservation.ScheduleId,
            reservation.SeatNumber, reservation.StatusAt(now), reservation.HoldExpiresAt, reservation.Price);
}
