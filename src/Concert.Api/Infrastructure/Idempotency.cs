using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Concert.Api.Queue;
using Concert.Domain.Queue;
using Marten;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Wolverine.Http;

namespace Concert.Api.Infrastructure;

/// <summary>Marks an endpoint whose requests carry an Idempotency-Key.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class IdempotentAttribute : Attribute;

public enum IdempotencyState
{
    InFlight,
    Completed,
}

/// <summary>A key's claim, then its stored outcome. Id: user, route and key. Kept 24 hours.</summary>
public sealed record IdempotencyRecord(
    string Id,
    string RequestHash,
    IdempotencyState State,
    DateTimeOffset CreatedAt,
    int StatusCode,
    string? Body,
    IReadOnlyDictionary<string, string> Headers);

/// <summary>The claim a first execution holds; the endpoint records its outcome through it, in its own transaction.</summary>
public sealed class IdempotencyClaim(string id, string requestHash, DateTimeOffset createdAt)
{
    /// <summary>The status of the outcome the endpoint stored, if it stored one.</summary>
    public int? RecordedStatus { get; private set; }

    public void Record(IDocumentSession session, HttpContext context, int statusCode, object body,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        RecordedStatus = statusCode;
        var json = JsonSerializer.Serialize(body, body.GetType(),
            context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions);
        session.Store(new IdempotencyRecord(id, requestHash, IdempotencyState.Completed, createdAt, statusCode, json,
            headers ?? new Dictionary<string, string>()));
    }
}

/// <summary>
/// The Idempotency-Key rules for every keyed route: 1–64 printable ASCII characters (else 400
/// IDEMPOTENCY_KEY_REQUIRED); a key is scoped to its fan and route and kept 24 hours. A first execution answers
/// X-Idempotency-Status: CREATED and stores its outcome in the same transaction as its events; the same key with
/// the same body replays that outcome (REPLAYED) and changes nothing, even after the fan's token expired; with
/// another body it is 422 IDEMPOTENCY_KEY_REUSED; while the first is still running, 409 IDEMPOTENCY_KEY_IN_FLIGHT.
/// Runs before the queue gate, so a replay needs only a token once issued to the same fan.
/// </summary>
public static class Idempotency
{
    public const string KeyHeader = "Idempotency-Key";
    public const string StatusHeader = "X-Idempotency-Status";
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>A claim left by a process that died mid-request stops blocking its key after this long.</summary>
    private static readonly TimeSpan AbandonedClaim = TimeSpan.FromSeconds(30);

    public static IApplicationBuilder UseIdempotencyKeys(this IApplicationBuilder app) =>
        app.UseWhen(
            context => context.GetEndpoint()?.Metadata.GetMetadata<IdempotentAttribute>() is not null,
            keyed => keyed.Use(async (context, next) =>
            {
                var key = context.Request.Headers[KeyHeader].ToString();
                if (!IsWellFormed(key))
                {
                    await Problems.Result(StatusCodes.Status400BadRequest, "IDEMPOTENCY_KEY_REQUIRED",
                        $"An {KeyHeader} header of 1 to 64 printable ASCII characters is required.").ExecuteAsync(context);
                    return;
                }

                var store = context.RequestServices.GetRequiredService<IDocumentStore>();
                var token = QueueGate.TokenOf(context);
                QueueTicket? ticket = null;
                if (QueueTokens.IsWellFormed(token))
                {
                    await using var query = store.QuerySession();
                    ticket = await QueueStore.TicketByTokenAsync(query, token, context.RequestAborted);
                }

                if (ticket is null)
                {
                    await next(context); // the gate answers 401
                    return;
                }

                var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
                var id = RecordId(ticket.UserId, context, key);
                var hash = await HashBodyAsync(context.Request);
                if (await ClaimAsync(store, id, hash, now, context.RequestAborted) is { } earlier)
                {
                    await AnswerFromAsync(earlier, hash, context);
                    return;
                }

                context.Response.Headers[StatusHeader] = "CREATED";
                var claim = new IdempotencyClaim(id, hash, now);
                context.Features.Set(claim);
                context.Features.Set(ticket); // the gate needs it too

                // Before the answer leaves (the endpoint has committed by then), a request that stored no outcome
                // (refused by the gate, invalid, failed, or its commit lost a race) frees its key for a retry.
                context.Response.OnStarting(() => claim.RecordedStatus == context.Response.StatusCode
                    ? Task.CompletedTask
                    : ReleaseUnfinishedAsync(store, id));
                await next(context);
            }));

    public static bool IsWellFormed(string key) => key.Length is >= 1 and <= 64 && key.All(c => c is >= ' ' and <= '~');

    /// <summary>Claims the key for a first execution; or returns the record that already holds it.</summary>
    private static async Task<IdempotencyRecord?> ClaimAsync(IDocumentStore store, string id, string hash, DateTimeOffset now,
        CancellationToken cancellation)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            await using var session = store.LightweightSession();
            var existing = await session.LoadAsync<IdempotencyRecord>(id, cancellation);
            var stale = existing is not null
                        && (existing.CreatedAt + Retention <= now
                            || existing.State == IdempotencyState.InFlight && existing.CreatedAt + AbandonedClaim <= now);
            if (existing is not null && !stale) return existing;

            var claim = new IdempotencyRecord(id, hash, IdempotencyState.InFlight, now, 0, null, new Dictionary<string, string>());
            if (stale) session.Update(claim);
            else session.Insert(claim);
            try
            {
                await session.SaveChangesAsync(cancellation);
                return null;
            }
            catch (JasperFx.DocumentAlreadyExistsException)
            {
                // Another request with the same key claimed it first: look again.
            }
        }

        await using var again = store.QuerySession();
        return await again.LoadAsync<IdempotencyRecord>(id, cancellation);
    }

    private static async Task AnswerFromAsync(IdempotencyRecord earlier, string hash, HttpContext context)
    {
        if (earlier.RequestHash != hash)
        {
            await Problems.Result(StatusCodes.Status422UnprocessableEntity, "IDEMPOTENCY_KEY_REUSED",
                $"This {KeyHeader} was used with another request body.").ExecuteAsync(context);
            return;
        }

        if (earlier.State == IdempotencyState.InFlight)
        {
            await Problems.Result(StatusCodes.Status409Conflict, "IDEMPOTENCY_KEY_IN_FLIGHT",
                $"A request with this {KeyHeader} is still being processed.").ExecuteAsync(context);
            return;
        }

        context.Response.StatusCode = earlier.StatusCode;
        context.Response.Headers[StatusHeader] = "REPLAYED";
        foreach (var (name, value) in earlier.Headers) context.Response.Headers[name] = value;
        context.Response.ContentType = earlier.StatusCode >= 400 ? "application/problem+json" : "application/json; charset=utf-8";
        await context.Response.WriteAsync(earlier.Body ?? "", context.RequestAborted);
    }

    private static async Task ReleaseUnfinishedAsync(IDocumentStore store, string id)
    {
        await using var session = store.LightweightSession();
        session.DeleteWhere<IdempotencyRecord>(record => record.Id == id && record.State == IdempotencyState.InFlight);
        await session.SaveChangesAsync();
    }

    private static string RecordId(Guid userId, HttpContext context, string key)
    {
        var route = context.GetEndpoint()?.Metadata.GetMetadata<HttpChain>()?.RoutePattern?.RawText ?? context.Request.Path.Value;
        return $"{userId}|{context.Request.Method} {route}|{key}";
    }

    private static async Task<string> HashBodyAsync(HttpRequest request)
    {
        request.EnableBuffering();
        var hash = await SHA256.HashDataAsync(request.Body, request.HttpContext.RequestAborted);
        request.Body.Position = 0;
        return Convert.ToHexString(hash);
    }
}

/// <summary>Forgets idempotency records past their 24 hours, every ten minutes.</summary>
public sealed class IdempotencyPurge(IDocumentStore store, TimeProvider clock, ILogger<IdempotencyPurge> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(10), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await PurgeAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Purging idempotency records failed; the next run tries again");
            }
        }
    }

    public async Task PurgeAsync(CancellationToken cancellation)
    {
        var cutoff = clock.GetUtcNow() - Idempotency.Retention;
        await using var session = store.LightweightSession();
        session.DeleteWhere<IdempotencyRecord>(record => record.CreatedAt < cutoff);
        await session.SaveChangesAsync(cancellation);
    }
}
