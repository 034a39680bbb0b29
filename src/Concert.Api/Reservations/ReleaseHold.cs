using Concert.Api.Idempotency;
using Concert.Api.Infrastructure;
using Concert.Api.Queue;
using Concert.Domain.Catalog;
using Concert.Domain.Reservations;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Concert.Api.Reservations;

/// <summary>What a release is decided on: the reservation, and its seat when it is the fan's, read for writing.</summary>
public sealed record ReleaseToDecide(IEventStream<Reservation> Reservation, IEventStream<Seat>? Seat);

public static class ReleaseHoldEndpoint
{
    public static async Task<ReleaseToDecide> LoadAsync(long reservationId, AdmittedFan fan, IDocumentSession session,
        CancellationToken cancellation)
    {
        var reservation = await session.Events.FetchForWriting<Reservation>(Reservation.StreamKey(reservationId), cancellation);
        return new ReleaseToDecide(reservation,
            await ReservationStore.FetchOwnSeatForWritingAsync(session, reservation.Aggregate, fan.UserId, cancellation));
    }

    /// <remarks>
    /// The reservation and the seat are also written by a payment (under the wallet's lock) and by the hold's expiry;
    /// when one of them commits first, the release is decided again on what it wrote: paid is 409, lapsed is nothing to do.
    /// A DELETE has no body: what it decides on comes from <see cref="LoadAsync"/> ([NotBody]).
    /// </remarks>
    [WolverineDelete("/reservations/{reservationId}")]
    [ProducesResponseType<ReservationView>(StatusCodes.Status200OK)]
    [Tags("Reservations")]
    [Idempotent]
    [DecideAgainOnWriteConflict]
    [EndpointSummary("Let a hold go before it lapses: the seat is back on sale at once and the reservation reads RELEASED. A hold already over is answered as it stands.")]
    [ProblemResponse(404, ProblemCodes.ReservationNotFound, "No such reservation for this fan.")]
    [ProblemResponse(409, ProblemCodes.AlreadyConfirmed, "The reservation is paid: a paid seat is refunded, not released.")]
    public static IResult Delete(long reservationId, [NotBody] ReleaseToDecide release, AdmittedFan fan, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var (reservation, seat) = (release.Reservation, release.Seat);
        return SeatHolding.Release(reservation.Aggregate, seat?.Aggregate, fan.UserId, now).Match(
            released =>
            {
                reservation.AppendOne(released.Released);
                if (released.SeatFreed is { } freed) seat!.AppendOne(freed);
                return TypedResults.Ok(ReservationView.Of(reservation.Aggregate!.Apply(released.Released), now));
            },
            reason => reason switch
            {
                ReleaseRefusal.ReservationNotFound => Problems.Result(StatusCodes.Status404NotFound,
                    ProblemCodes.ReservationNotFound, $"Reservation {reservationId} does not exist."),
                ReleaseRefusal.AlreadyPaid => Problems.Result(StatusCodes.Status409Conflict,
                    ProblemCodes.AlreadyConfirmed, $"Reservation {reservationId} is paid: a paid seat is refunded, not released."),
                ReleaseRefusal.NoLongerOnHold => TypedResults.Ok(ReservationView.Of(reservation.Aggregate!, now)),
            });
    }
}
