using System.Globalization;
using Concert.Api.Infrastructure;
using Concert.Api.Queue;
using Concert.Domain.Catalog;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace Concert.Api.Support;

/// <summary>Support's window on the event store (X-Admin-Key): histories, and state as it stood at an instant.</summary>
public static class SupportEndpoints
{
    [WolverineGet("/admin/support/reservations/{reservationId}/history")]
    [Tags("Support")]
    [EndpointSummary("Every event of a reservation: placed, then expired, released, paid, refunded or cancelled with its show, with who, when and the Idempotency-Key behind it.")]
    [ProblemResponse(404, ProblemCodes.ReservationNotFound, "No events for this reservation.")]
    public static async Task<Results<Ok<History>, ProblemHttpResult>> Reservation(long reservationId, IDocumentStore store,
        CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        return Found(await SupportReplay.ReservationAsync(session, reservationId, cancellation), ProblemCodes.ReservationNotFound);
    }

    [WolverineGet("/admin/support/schedules/{scheduleId}/seats/{seatNumber}/history")]
    [Tags("Support")]
    [EndpointSummary("Every event of one seat: opened, each hold, each lapse or release, each sale and refund, its withdrawal when the show was cancelled.")]
    [ProblemResponse(404, ProblemCodes.SeatNotFound, "No events for this seat.")]
    public static async Task<Results<Ok<History>, ProblemHttpResult>> Seat(long scheduleId, int seatNumber,
        IDocumentStore store, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        return Found(await SupportReplay.SeatAsync(session, scheduleId, seatNumber, cancellation), ProblemCodes.SeatNotFound);
    }

    [WolverineGet("/admin/support/users/{userId}/wallet/history")]
    [Tags("Support")]
    [EndpointSummary("Every event of a fan's wallet: charges, grants, debits and refunds. A fan with no money yet has none.")]
    [ProblemResponse(400, ProblemCodes.InvalidUser, "userId must be a UUID other than the nil UUID.")]
    public static async Task<Results<Ok<History>, ProblemHttpResult>> Wallet(string userId, IDocumentStore store,
        CancellationToken cancellation)
    {
        if (!Users.TryParse(userId, out var fan)) return TypedResults.Problem(Users.InvalidProblem());
        await using var session = store.QuerySession();
        return TypedResults.Ok(await SupportReplay.WalletAsync(session, fan, cancellation));
    }

    [WolverineGet("/admin/support/tokens/{token}/history")]
    [Tags("Support")]
    [EndpointSummary("Every event of one queue token: issued, drawn a place at the opening, admitted, expired (and why).")]
    [ProblemResponse(404, ProblemCodes.TokenNotFound, "No such token was ever issued.")]
    public static async Task<Results<Ok<History>, ProblemHttpResult>> Token(string token, IDocumentStore store,
        CancellationToken cancellation)
    {
        if (!QueueTokens.IsWellFormed(token)) return Problems.NotFound(ProblemCodes.TokenNotFound, "No such token was ever issued.");
        await using var session = store.QuerySession();
        return Found(await SupportReplay.TokenAsync(session, token, cancellation), ProblemCodes.TokenNotFound);
    }

    [WolverineGet("/admin/support/queue/draw")]
    [Tags("Support")]
    [EndpointSummary("The last draw of the pre-queue replayed from its events: the order recomputed from the recorded seed and entrants, checked against the recorded digest and against the places the fans' streams record.")]
    [ProblemResponse(404, ProblemCodes.DrawNotFound, "No pre-queue has been drawn.")]
    public static async Task<Results<Ok<DrawAudit>, ProblemHttpResult>> Draw(IDocumentStore store, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        return await SupportReplay.DrawAsync(session, cancellation) is { } audit
            ? TypedResults.Ok(audit)
            : Problems.NotFound(ProblemCodes.DrawNotFound, "No pre-queue has been drawn.");
    }

    [WolverineGet("/admin/support/schedules/{scheduleId}/seats")]
    [Tags("Support")]
    [EndpointSummary("A schedule's seat map as it stood at `at` (an instant with Z or an offset; default now), rebuilt from the seats' events.")]
    [ProblemResponse(400, ProblemCodes.InvalidRequest, "at must be an instant, e.g. 2026-11-27T09:00:00Z.")]
    [ProblemResponse(404, ProblemCodes.ScheduleNotFound, "The schedule had no seats at that instant.")]
    public static async Task<Results<Ok<SeatMapAt>, ProblemHttpResult>> SeatMap(long scheduleId, string? at,
        IDocumentStore store, TimeProvider clock, CancellationToken cancellation)
    {
        if (!TryInstant(at, clock, out var instant)) return InvalidInstant();
        await using var session = store.QuerySession();
        return await SupportReplay.SeatMapAsync(session, scheduleId, instant, cancellation) is { } map
            ? TypedResults.Ok(map)
            : Problems.NotFound(ProblemCodes.ScheduleNotFound, $"Schedule {scheduleId} had no seats at {at ?? "this instant"}.");
    }

    [WolverineGet("/admin/support/users/{userId}/balance")]
    [Tags("Support")]
    [EndpointSummary("A fan's balance as it stood at `at` (an instant with Z or an offset; default now), rebuilt from the wallet's events.")]
    [ProblemResponse(400, ProblemCodes.InvalidRequest, "at must be an instant, e.g. 2026-11-27T09:00:00Z.")]
    [ProblemResponse(400, ProblemCodes.InvalidUser, "userId must be a UUID other than the nil UUID.")]
    public static async Task<Results<Ok<BalanceAt>, ProblemHttpResult>> Balance(string userId, string? at,
        IDocumentStore store, TimeProvider clock, CancellationToken cancellation)
    {
        if (!Users.TryParse(userId, out var fan)) return TypedResults.Problem(Users.InvalidProblem());
        if (!TryInstant(at, clock, out var instant)) return InvalidInstant();
        await using var session = store.QuerySession();
        return TypedResults.Ok(await SupportReplay.BalanceAsync(session, fan, instant, cancellation));
    }

    /// <summary>An instant that names its offset (Z or ±hh:mm); none given: now.</summary>
    public static bool TryInstant(string? text, TimeProvider clock, out DateTimeOffset instant)
    {
        instant = clock.GetUtcNow();
        return text is null
               || (text.EndsWith('Z') || text.Length > 6 && text[^6] is '+' or '-')
               && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out instant);
    }

    private static Results<Ok<History>, ProblemHttpResult> Found(History history, string code) =>
        history.Events.Count > 0 ? TypedResults.Ok(history) : Problems.NotFound(code, $"No events for {history.Subject}.");

    private static ProblemHttpResult InvalidInstant() =>
        TypedResults.Problem(Problems.InvalidRequest(new Dictionary<string, string>
        {
            ["at"] = "at must be an instant with Z or an offset, e.g. 2026-11-27T09:00:00Z.",
        }));
}
