using System.Security.Cryptography;
using Concert.Api.Infrastructure;
using Concert.Api.Queue;
using Concert.Domain.Queue;
using Marten;
using Wolverine.Http;

namespace Concert.Api.Idempotency;

/// <summary>
/// Marks an endpoint whose requests carry an Idempotency-Key. Nothing else is asked of the endpoint: the key's steps
/// run before it (<see cref="IdempotencyKeys"/>) and its outcome is recorded after it, in its transaction
/// (<see cref="RecordOutcomePolicy"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class IdempotentAttribute : Attribute;

/// <summary>
/// The Idempotency-Key rules for every keyed route: 1–64 printable ASCII characters (else 400
/// IDEMPOTENCY_KEY_REQUIRED); a key is scoped to its fan and route and kept 24 hours. A first execution answers
/// X-Idempotency-Status: CREATED and stores its outcome in the same transaction as its events; the same key with
/// the same body replays that outcome (REPLAYED) and changes nothing, even after the fan's token expired; with
/// another body it is 422 IDEMPOTENCY_KEY_REUSED; while the first is still running and has stored no outcome (it
/// holds a PostgreSQL advisory lock on the key, which a crash releases with its connection), 409
/// IDEMPOTENCY_KEY_IN_FLIGHT.
/// Runs before the queue gate, so a replay needs only a token once issued to the same fan.
/// </summary>
public static class IdempotencyKeys
{
    public const string KeyHeader = "Idempotency-Key";
    public const string StatusHeader = "X-Idempotency-Status";

    /// <summary>The header of the events a keyed request appended: its Idempotency-Key.</summary>
    public const string EventHeader = "idempotency-key";
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    public static IApplicationBuilder UseIdempotencyKeys(this IApplicationBuilder app) =>
        app.UseWhen(IsKeyed, keyed => keyed.Use(HandleAsync));

    public static bool IsKeyed(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<IdempotentAttribute>() is not null;

    public static bool IsWellFormed(string key) => key.Length is >= 1 and <= 64 && key.All(c => c is >= ' ' and <= '~');

    private static async Task HandleAsync(HttpContext context, RequestDelegate next)
    {
        var key = context.Request.Headers[KeyHeader].ToString();
        if (!IsWellFormed(key))
        {
            await RefuseMissingKeyAsync(context);
            return;
        }

        var token = QueueGate.TokenOf(context);
        if (!QueueTokens.IsWellFormed(token))
        {
            await next(context); // the gate answers 401
            return;
        }

        var request = await KeyedRequest.ReadAsync(context, key);
        var locks = context.RequestServices.GetRequiredService<IdempotencyLocks>();
        var store = context.RequestServices.GetRequiredService<IDocumentStore>();
        var (ticket, held, stored) = await locks.TryTakeAsync(token, request.RouteAndKey, store, context.RequestAborted);
        if (held is not null) context.Response.RegisterForDisposeAsync(held); // frees the key, at the latest

        if (ticket is null)
        {
            await ReplayForReplacedTokenAsync(context, next, store, token, request);
        }
        else if (QueueGate.ActsForAnotherFan(context, ticket.UserId))
        {
            await next(context); // ownership before the key: the gate answers 403, whatever the fan's keys hold
        }
        else if (stored is not null && request.Keeps(stored))
        {
            // Even while the first execution still holds the key: its outcome has committed.
            await ReplayAsync(context, stored, request);
        }
        else if (held is null)
        {
            context.RequestServices.GetRequiredService<Operations.ConcertMetrics>().IdempotencyInFlight.Add(1);
            await RefuseInFlightAsync(context);
        }
        else
        {
            await RunFirstAsync(context, next, ticket, held, request);
        }
    }

    /// <summary>
    /// Not a fan's current token: a replay made with the token a fan has since replaced is still answered; anything
    /// else goes on to the gate's 401.
    /// </summary>
    private static async Task ReplayForReplacedTokenAsync(HttpContext context, RequestDelegate next, IDocumentStore store,
        string token, KeyedRequest request)
    {
        await using var session = store.QuerySession();
        var ticket = await QueueStore.TicketByPreviousTokenAsync(session, token, context.RequestAborted);
        var stored = ticket is null || QueueGate.ActsForAnotherFan(context, ticket.UserId)
            ? null
            : await session.LoadAsync<IdempotencyRecord>(request.RecordId(ticket.UserId), context.RequestAborted);
        if (stored is not null && request.Keeps(stored)) await ReplayAsync(context, stored, request);
        else await next(context);
    }

    /// <summary>The stored outcome again, for the same body; 422 IDEMPOTENCY_KEY_REUSED for another.</summary>
    private static async Task ReplayAsync(HttpContext context, IdempotencyRecord stored, KeyedRequest request)
    {
        if (stored.RequestHash != request.BodyHash)
        {
            await Problems.Result(StatusCodes.Status422UnprocessableEntity, ProblemCodes.IdempotencyKeyReused,
                $"This {KeyHeader} was used with another request body.").ExecuteAsync(context);
            return;
        }

        context.Response.StatusCode = stored.StatusCode;
        context.Response.Headers[StatusHeader] = "REPLAYED";
        context.RequestServices.GetRequiredService<Operations.ConcertMetrics>().IdempotencyReplays.Add(1);
        foreach (var (name, value) in stored.Headers) context.Response.Headers[name] = value;
        context.Response.ContentType = stored.StatusCode >= 400 ? "application/problem+json" : "application/json; charset=utf-8";
        await context.Response.WriteAsync(stored.Body, context.RequestAborted);
    }

    private static Task RefuseMissingKeyAsync(HttpContext context) =>
        Problems.Result(StatusCodes.Status400BadRequest, ProblemCodes.IdempotencyKeyRequired,
            $"An {KeyHeader} header of 1 to 64 printable ASCII characters is required.").ExecuteAsync(context);

    private static Task RefuseInFlightAsync(HttpContext context) =>
        Problems.Result(StatusCodes.Status409Conflict, ProblemCodes.IdempotencyKeyInFlight,
            $"A request with this {KeyHeader} is still being processed.").ExecuteAsync(context);

    /// <summary>
    /// The key's first execution, holding the key: the endpoint runs, and <see cref="RecordOutcomePolicy"/> stores
    /// its outcome with its events. A success has then stored its outcome, so a retry that follows the answer at once
    /// is answered from it even while the key is still held: the key is freed after the answer, off its path. Any
    /// other answer may have stored nothing (refused before the endpoint ran, or a lost race), so its key is freed
    /// before the answer starts, and a retry that follows it may run again.
    /// </summary>
    private static async Task RunFirstAsync(HttpContext context, RequestDelegate next, QueueTicket ticket,
        IdempotencyLocks.HeldKey held, KeyedRequest request)
    {
        context.Response.Headers[StatusHeader] = "CREATED";
        context.Features.Set(new IdempotencyClaim(request.Key, request.RecordId(ticket.UserId), request.BodyHash, request.At));
        context.Features.Set(ticket); // the gate needs it too
        context.Response.OnStarting(() => IsSuccess(context.Response.StatusCode) ? Task.CompletedTask : held.ReleaseAsync());
        await next(context);
    }

    private static bool IsSuccess(int status) => status is >= 200 and < 300;

    /// <summary>
    /// A keyed request as its stored outcome knows it: the key, the resource it acts on, the body's hash and when it came.
    /// The resource is the route's pattern with the values of its parameters other than the fan's own: a DELETE or a
    /// refund names its reservation in the path and has no body, so one key used on two reservations must be two
    /// requests. (Routes whose only parameter is the fan keep the ids their outcomes were stored under before.)
    /// </summary>
    private sealed record KeyedRequest(string Key, string RouteAndKey, string BodyHash, DateTimeOffset At)
    {
        public static async Task<KeyedRequest> ReadAsync(HttpContext context, string key)
        {
            var pattern = context.GetEndpoint()?.Metadata.GetMetadata<HttpChain>()?.RoutePattern?.RawText ?? context.Request.Path.Value;
            var resource = context.Request.RouteValues.Where(value => value.Key != Users.RouteParameter)
                .OrderBy(value => value.Key, StringComparer.Ordinal).Select(value => $"{value.Key}={value.Value}").ToList();
            var route = resource.Count == 0 ? pattern : $"{pattern}?{string.Join('&', resource)}";
            context.Request.EnableBuffering();
            var hash = await SHA256.HashDataAsync(context.Request.Body, context.RequestAborted);
            context.Request.Body.Position = 0;
            return new KeyedRequest(key, $"|{context.Request.Method} {route}|{key}", Convert.ToHexString(hash),
                context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
        }

        /// <summary>A record's id: the fan, the route and the key.</summary>
        public string RecordId(Guid userId) => $"{userId}{RouteAndKey}";

        public bool Keeps(IdempotencyRecord stored) => stored.CreatedAt + Retention > At;
    }
}
