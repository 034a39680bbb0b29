using Concert.Api.Infrastructure;
using Concert.Api.Queue;
using Concert.Domain.Reservations;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace Concert.Api.Reservations;

public static class GetReservationEndpoint
{
    [WolverineGet("/reservations/{reservationId}")]
    [Tags("Reservations")]
    [EndpointSummary("A reservation of the token's fan: ON_HOLD, EXPIRED (at once when its hold lapses) or CONFIRMED.")]
    [ProblemResponse(404, ProblemCodes.ReservationNotFound, "No such reservation for this fan.")]
    public static async Task<Results<Ok<ReservationView>, ProblemHttpResult>> Get(long reservationId, AdmittedFan fan,
        IDocumentStore store, TimeProvider clock, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var reservation = await session.LoadAsync<Reservation>(Reservation.StreamKey(reservationId), cancellation);
        if (reservation is null || reservation.UserId != fan.UserId)
        {
            return Problems.NotFound(ProblemCodes.ReservationNotFound,
                $"Reservation {reservationId} does not exist.");
        }

        return TypedResults.Ok(ReservationView.Of(reservation, clock.GetUtcNow()));
    }
}
