using System.Globalization;
using System.Text.Json;
using Concert.Api.Infrastructure;
using Concert.Api.Queue;
using Concert.Domain.Catalog;
using Concert.Domain.Reservations;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace Concert.Api.Reservations;

public sealed record PlaceReservationRequest(JsonElement UserId, long? ConcertId, long? ScheduleId, int? SeatNumber);

public static class PlaceReservationEndpoint
{
    public const string HoldTtlHeader = "X-Reservation-Hold-TTL";

    public static ProblemDetails Validate(PlaceReservationRequest? request, HttpContext context)
    {
        if (request is null) return Problems.BodyRequired();
        if (!Users.TryRead(request.UserId, out var userId)) return Users.InvalidProblem();
        if (request.SeatNumber is not { } seat || !Venue.IsSeat(seat))
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "INVALID_SEAT", $"seatNumber must be 1 to {Venue.SeatCount}.");
        }

        var errors = new Dictionary<string, string>();
        if (request.ConcertId is null) errors["concertId"] = "concertId is required.";
        if (request.ScheduleId is null) errors["scheduleId"] = "scheduleId is required.";
        if (errors.Count > 0) return Problems.InvalidRequest(errors);

        return QueueGate.MismatchedUser(context, userId) ?? WolverineContinue.NoProblems;
    }

    [WolverinePost("/reservations")]
    [ProducesResponseType<ReservationView>(StatusCodes.Status201Created)]
    [Tags("Reservations")]
    [Idempotent]
    [EndpointSummary("Hold a seat for 5 minutes (Holds:Duration); exactly one fan wins a seat, however many try at once.")]
    [ProblemResponse(400, "INVALID_SEAT", "seatNumber must be 1 to 50.")]
    [ProblemResponse(400, "INVALID_USER", "userId must be a UUID other than the nil UUID.")]
    [ProblemResponse(404, "SCHEDULE_NOT_FOUND", "No such schedule for this concert.")]
    [ProblemResponse(409, "SEAT_ALREADY_TAKEN", "The seat is held or sold.")]
    public static async Task<(IResult, OutgoingMessages)> Post(PlaceReservationRequest request, HttpContext context,
        IDocumentSession session, ReservationIds ids, TimeProvider clock, HoldOptions holds,
        CancellationToken cancellation)
    {
        var (concertId, scheduleId, seatNumber) = (request.ConcertId!.Value, request.ScheduleId!.Value, request.SeatNumber!.Value);
        var userId = context.Features.Get<AdmittedFan>()!.UserId;
        var now = clock.GetUtcNow();
        var stream = await session.Events.FetchForWriting<Seat>(Seat.StreamKey(scheduleId, seatNumber), cancellation);
        if (stream.Aggregate is not { } seat || seat.ConcertId != concertId)
        {
            return Refuse(session, context, StatusCodes.Status404NotFound, "SCHEDULE_NOT_FOUND",
                $"Schedule {scheduleId} of concert {concertId} does not exist.");
        }

        var decision = SeatHolding.Hold(seat, await ids.NextAsync(session, cancellation), userId, now, holds.Duration);
        if (decision is not HoldDecision.Held held) return SeatTaken(session, context, seatNumber);

        stream.AppendOne(held.SeatHeld);
        session.Events.StartStream<Reservation>(Reservation.StreamKey(held.Placed.ReservationId), held.Placed);
        var view = ReservationView.Of(Reservation.Create(held.Placed), now);
        var headers = new Dictionary<string, string>
        {
            [HoldTtlHeader] = ((long)holds.Duration.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            ["Location"] = $"/reservations/{view.ReservationId}",
        };
        context.Features.Get<IdempotencyClaim>()?.Record(session, context, StatusCodes.Status201Created, view, headers);
        foreach (var (name, value) in headers) context.Response.Headers[name] = value;

        return (TypedResults.Json(view, statusCode: StatusCodes.Status201Created),
            [new ExpireHold(view.ReservationId).ScheduledAt(view.HoldExpiresAt)]);
    }

    /// <summary>Another fan's hold on the same seat committed first.</summary>
    public static ProblemDetails OnException(ConcurrencyException conflict) => SeatTakenProblem();

    private static (IResult, OutgoingMessages) SeatTaken(IDocumentSession session, HttpContext context, int seatNumber) =>
        Refuse(session, context, StatusCodes.Status409Conflict, "SEAT_ALREADY_TAKEN", $"Seat {seatNumber} is held or sold.");

    private static ProblemDetails SeatTakenProblem() =>
        Problems.Create(StatusCodes.Status409Conflict, "SEAT_ALREADY_TAKEN", "The seat is held or sold.");

    private static (IResult, OutgoingMessages) Refuse(IDocumentSession session, HttpContext context, int status, string code,
        string message) =>
        (IdempotencyClaim.Refuse(session, context, status, code, message), []);
}
