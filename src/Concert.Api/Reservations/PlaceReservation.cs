using System.Globalization;
using System.Text.Json;
using Concert.Api.Idempotency;
using Concert.Api.Infrastructure;
using Concert.Api.Queue;
using Concert.Domain.Catalog;
using Concert.Domain.Reservations;
using JasperFx;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace Concert.Api.Reservations;

public sealed record PlaceReservationRequest(JsonElement UserId, long? ConcertId, long? ScheduleId, int? SeatNumber);

/// <summary>The seat a fan asks to hold, read for writing, and the id its reservation would take.</summary>
public sealed record SeatToHold(IEventStream<Seat> Stream, long ReservationId);

public static class PlaceReservationEndpoint
{
    public const string HoldTtlHeader = "X-Reservation-Hold-TTL";

    public static ProblemDetails Validate(PlaceReservationRequest? request, AdmittedFan fan)
    {
        if (request is null) return Problems.BodyRequired();
        if (!Users.TryRead(request.UserId, out var userId)) return Users.InvalidProblem();
        if (request.SeatNumber is not { } seat || !Venue.IsSeat(seat))
        {
            return Problems.Create(StatusCodes.Status400BadRequest, ProblemCodes.InvalidSeat, $"seatNumber must be 1 to {Venue.SeatCount}.");
        }

        var errors = new Dictionary<string, string>();
        if (request.ConcertId is null) errors["concertId"] = "concertId is required.";
        if (request.ScheduleId is null) errors["scheduleId"] = "scheduleId is required.";
        if (errors.Count > 0) return Problems.InvalidRequest(errors);

        return QueueGate.MismatchedUser(fan, userId) ?? WolverineContinue.NoProblems;
    }

    public static async Task<SeatToHold> LoadAsync(PlaceReservationRequest request, IDocumentSession session,
        ReservationIds ids, CancellationToken cancellation)
    {
        var stream = await session.Events.FetchForWriting<Seat>(
            Seat.StreamKey(request.ScheduleId!.Value, request.SeatNumber!.Value), cancellation);
        return new SeatToHold(stream, await ids.NextAsync(session, cancellation));
    }

    [WolverinePost("/reservations")]
    [ProducesResponseType<ReservationView>(StatusCodes.Status201Created)]
    [ResponseHeader(201, HoldTtlHeader, "Seconds the hold lasts (Holds:Duration).", isInteger: true)]
    [ResponseHeader(201, "Location", "The reservation: /reservations/{reservationId}.")]
    [Tags("Reservations")]
    [Idempotent]
    [EndpointSummary("Hold a seat for 5 minutes (Holds:Duration); exactly one fan wins a seat, however many try at once.")]
    [ProblemResponse(400, ProblemCodes.InvalidSeat, "seatNumber must be 1 to 50.")]
    [ProblemResponse(400, ProblemCodes.InvalidUser, "userId must be a UUID other than the nil UUID.")]
    [ProblemResponse(404, ProblemCodes.ScheduleNotFound, "No such schedule for this concert.")]
    [ProblemResponse(409, ProblemCodes.SeatAlreadyTaken, "The seat is held or sold.")]
    [ProblemResponse(409, ProblemCodes.ScheduleCancelled, "The schedule was cancelled.")]
    public static (IResult, OutgoingMessages) Post(PlaceReservationRequest request, SeatToHold seat, AdmittedFan fan,
        IDocumentSession session, HttpContext context, TimeProvider clock, HoldOptions holds)
    {
        var (concertId, scheduleId) = (request.ConcertId!.Value, request.ScheduleId!.Value);
        if (seat.Stream.Aggregate is not { } current || current.ConcertId != concertId)
        {
            return (Problems.Result(StatusCodes.Status404NotFound, ProblemCodes.ScheduleNotFound,
                $"Schedule {scheduleId} of concert {concertId} does not exist."), []);
        }

        var now = clock.GetUtcNow();
        return SeatHolding.Hold(current, seat.ReservationId, fan.UserId, now, holds.Duration).Match<(IResult, OutgoingMessages)>(
            hold =>
            {
                seat.Stream.AppendOne(hold.SeatHeld);
                session.Events.StartStream<Reservation>(Reservation.StreamKey(hold.Placed.ReservationId), hold.Placed);
                var view = ReservationView.Of(Reservation.Create(hold.Placed), now);
                context.Response.Headers[HoldTtlHeader] = ((long)holds.Duration.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                context.Response.Headers.Location = $"/reservations/{view.ReservationId}";
                return (TypedResults.Json(view, statusCode: StatusCodes.Status201Created),
                    [new ExpireHold(view.ReservationId).ScheduledAt(view.HoldExpiresAt)]);
            },
            reason => reason switch
            {
                HoldRefusal.SeatTaken => (Problems.Result(StatusCodes.Status409Conflict, ProblemCodes.SeatAlreadyTaken,
                    $"Seat {current.Number} is held or sold."), []),
                HoldRefusal.ScheduleCancelled => (Problems.Result(StatusCodes.Status409Conflict, ProblemCodes.ScheduleCancelled,
                    $"Schedule {scheduleId} was cancelled."), []),
            });
    }

    /// <summary>Another fan's hold on the same seat committed first.</summary>
    public static ProblemDetails OnException(ConcurrencyException conflict) =>
        Problems.Create(StatusCodes.Status409Conflict, ProblemCodes.SeatAlreadyTaken, "The seat is held or sold.");
}
