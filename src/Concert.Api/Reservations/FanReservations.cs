using Concert.Api.Infrastructure;
using Concert.Domain.Reservations;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace Concert.Api.Reservations;

public sealed record ReservationPage(IReadOnlyList<ReservationView> Items, int Page, int Size, int Total);

public static class FanReservationsEndpoint
{
    /// <summary>From the reservations' inline view (written with their events), by the fan's index: never behind.</summary>
    [WolverineGet("/users/{userId}/reservations")]
    [Tags("Reservations")]
    [EndpointSummary("The fan's reservations, newest first, each with its status (a lapsed hold reads EXPIRED at once). Never behind.")]
    [ProblemResponse(400, ProblemCodes.InvalidUser, "userId must be a UUID other than the nil UUID.")]
    [ProblemResponse(400, ProblemCodes.InvalidRequest, "page must be 0 or more and size 1 to 100.")]
    public static async Task<Results<Ok<ReservationPage>, ProblemHttpResult>> Get(string userId, int? page, int? size,
        IDocumentStore store, TimeProvider clock, CancellationToken cancellation)
    {
        if (!Users.TryParse(userId, out var fan)) return TypedResults.Problem(Users.InvalidProblem());
        if (!Paging.TryRead(page, size, out var paging, out var invalid)) return TypedResults.Problem(invalid);
        await using var session = store.QuerySession();
        var total = await session.Query<Reservation>().CountAsync(reservation => reservation.UserId == fan, cancellation);
        var items = paging.Skipped >= total
            ? []
            : await session.Query<Reservation>().Where(reservation => reservation.UserId == fan)
                // Ids come in blocks per node, so they are not in the order holds were placed: the hold's time is.
                .OrderByDescending(reservation => reservation.HoldExpiresAt).ThenByDescending(reservation => reservation.ReservationId)
                .Skip((int)paging.Skipped).Take(paging.Size).ToListAsync(cancellation);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(new ReservationPage(items.Select(reservation => ReservationView.Of(reservation, now)).ToList(),
            paging.Page, paging.Size, total));
    }
}
