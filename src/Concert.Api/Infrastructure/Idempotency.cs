using System.Data;
using System.Security.Cryptography;
using System.Text.Json;
using Concert.Api.Queue;
using Concert.Domain.Queue;
using Marten;
using Npgsql;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Wolverine.Http;

namespace Concert.Api.Infrastructure;

/// <summary>Marks an endpoint whose requests carry an Idempotency-Key.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class IdempotentAttribute : Attribute;

/// <summary>The stored outcome of a key's first execution. Id: user, route and key. Kept 24 hours.</summary>
public sealed record IdempotencyRecord(
    string Id,
    string RequestHash,
    DateTimeOffset CreatedAt,
    int StatusCode,
    string Body,
    IReadOnlyDictionary<string, string> Headers);

/// <summary>A first execution's key; the endpoint records its outcome through it, in its own transaction.</summary>
public sealed class IdempotencyClaim(string key, string id, string requestHash, DateTimeOffset createdAt)
{
    /// <summary>Stores the outcome, and names the key on every event of the session (support reads it back).</summary>
    public void Record(IDocumentSession session, HttpContext context, int statusCode, object body,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        session.SetHeader(Idempotency.EventHeader, key);
        var json = JsonSerializer.Serialize(body, body.GetType(),
            context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions);
        session.Store(new IdempotencyRecord(id, requestHash, createdAt, statusCode, json,
            headers ?? new Dictionary<string, string>()));
    }

    /// <summary>
    /// An endpoint's refusal (a 4xx it decided) as a problem, stored as the key's outcome when the request is keyed.
    /// A refusal changes nothing but its stored answer; should a crash lose that answer within the fraction of a
    /// second before PostgreSQL flushes it, a retry simply asks again: so it commits without waiting for the flush.
    /// </summary>
    public static IResult Refuse(IDocumentSession session, HttpContext context, int status, string code, string message)
    {
        var problem = Problems.Create(status, code, message);
        Problems.Complete(problem);
        if (context.Features.Get<IdempotencyClaim>() is { } claim)
        {
            session.QueueSqlCommand("set local synchronous_commit to off");
            claim.Record(session, context, status, problem);
        }

        return TypedResults.Problem(problem);
    }
}

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
public static class Idempotency
{
    public const string KeyHeader = "Idempotency-Key";
    public const string StatusHeader = "X-Idempotency-Status";

    /// <summary>The header of the events a keyed request appended: its Idempotency-Key.</summary>
    public const string EventHeader = "idempotency-key";
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

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
                if (!QueueTokens.IsWellFormed(token))
                {
                    await next(context); // the gate answers 401
                    return;
                }

                var locks = context.RequestServices.GetRequiredService<IdempotencyLocks>();
                var routeAndKey = RouteAndKey(context, key);
                var (ticket, running, earlier) = await locks.TryTakeAsync(token, routeAndKey, store, context.RequestAborted);
                if (running is not null) context.Response.RegisterForDisposeAsync(running); // frees the key, at the latest
                var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
                var hash = await HashBodyAsync(context.Request);
                if (ticket is null)
                {
                    // Not a fan's current token: a replay made with the token a fan has since replaced is still
                    // answered; anything else is the gate's 401.
                    if (await EarlierOutcomeOfReplacedTokenAsync(store, token, routeAndKey, context.RequestAborted) is { } stored
                        && IsKept(stored, now))
                    {
                        await AnswerFromAsync(stored, hash, context);
                        return;
                    }

                    await next(context);
                    return;
                }

                if (earlier is not null && IsKept(earlier, now))
                {
                    // Even while the first execution still holds the key: its outcome has committed.
                    await AnswerFromAsync(earlier, hash, context);
                    return;
                }

                if (running is null)
                {
                    await Problems.Result(StatusCodes.Status409Conflict, "IDEMPOTENCY_KEY_IN_FLIGHT",
                        $"A request with this {KeyHeader} is still being processed.").ExecuteAsync(context);
                    return;
                }

                var id = $"{ticket.UserId}{routeAndKey}";

                context.Response.Headers[StatusHeader] = "CREATED";
                context.Features.Set(new IdempotencyClaim(key, id, hash, now));
                context.Features.Set(ticket); // the gate needs it too

                // The endpoint has committed before its answer starts. A success stored its outcome with its
                // events, so a retry that follows the answer at once is answered from it even while the key is
                // still held: the key is freed after the answer, off its path. Any other answer may have stored
                // nothing (refused before the endpoint ran, or a lost race), so its key is freed before the answer
                // starts, and a retry that follows it may run again.
                context.Response.OnStarting(() => IsSuccess(context.Response.StatusCode) ? Task.CompletedTask : running.ReleaseAsync());
                await next(context);
            }));

    private static bool IsKept(IdempotencyRecord record, DateTimeOffset now) => record.CreatedAt + Retention > now;

    private static bool IsSuccess(int status) => status is >= 200 and < 300;

    private static async Task<IdempotencyRecord?> EarlierOutcomeOfReplacedTokenAsync(IDocumentStore store, string token,
        string routeAndKey, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        return await QueueStore.TicketByPreviousTokenAsync(session, token, cancellation) is { } ticket
            ? await session.LoadAsync<IdempotencyRecord>($"{ticket.UserId}{routeAndKey}", cancellation)
            : null;
    }

    public static bool IsWellFormed(string key) => key.Length is >= 1 and <= 64 && key.All(c => c is >= ' ' and <= '~');

    private static async Task AnswerFromAsync(IdempotencyRecord earlier, string hash, HttpContext context)
    {
        if (earlier.RequestHash != hash)
        {
            await Problems.Result(StatusCodes.Status422UnprocessableEntity, "IDEMPOTENCY_KEY_REUSED",
                $"This {KeyHeader} was used with another request body.").ExecuteAsync(context);
            return;
        }

        context.Response.StatusCode = earlier.StatusCode;
        context.Response.Headers[StatusHeader] = "REPLAYED";
        foreach (var (name, value) in earlier.Headers) context.Response.Headers[name] = value;
        context.Response.ContentType = earlier.StatusCode >= 400 ? "application/problem+json" : "application/json; charset=utf-8";
        await context.Response.WriteAsync(earlier.Body, context.RequestAborted);
    }

    /// <summary>What follows the fan's id in a record id: the key is scoped to its route.</summary>
    private static string RouteAndKey(HttpContext context, string key)
    {
        var route = context.GetEndpoint()?.Metadata.GetMetadata<HttpChain>()?.RoutePattern?.RawText ?? context.Request.Path.Value;
        return $"|{context.Request.Method} {route}|{key}";
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
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Periodic.RunAsync(new PeriodicTimer(TimeSpan.FromMinutes(10), clock), PurgeAsync,
            e => logger.LogWarning(e, "Purging idempotency records failed; the next run tries again"), stoppingToken);

    public async Task PurgeAsync(CancellationToken cancellation)
    {
        var cutoff = clock.GetUtcNow() - Idempotency.Retention;
        await using var session = store.LightweightSession();
        session.DeleteWhere<IdempotencyRecord>(record => record.CreatedAt <= cutoff);
        await session.SaveChangesAsync(cancellation);
    }
}

/// <summary>
/// Session-level advisory locks on idempotency keys, on connections of their own: held while a first execution
/// runs, so a concurrent duplicate is told it is in flight without a write, and released by PostgreSQL if the
/// process dies.
/// </summary>
public sealed class IdempotencyLocks(string connectionString) : IAsyncDisposable
{
    /// <summary>
    /// The most keys held at once. A held key's connection sits idle while its request runs, so it costs PostgreSQL
    /// a backend, not a core: held to the service's small pool, keyed requests queued for a key behind the very
    /// writes they were waiting to make (journeys paced at 315/s: writes' p50 134 ms). With the service's pool,
    /// 84 connections, under PostgreSQL's default of 100.
    /// </summary>
    public const int MostKeysHeld = 64;

    private readonly NpgsqlDataSource _connections = NpgsqlDataSource.Create(
        new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = MostKeysHeld }.ConnectionString);

    /// <summary>
    /// One round trip for a keyed request: the ticket of its queue token and the lock on the fan's key, then the
    /// key's stored outcome. The lock is only ever free after the previous holder committed; the outcome is read by a
    /// second statement of the batch, whose snapshot is taken after the lock was, so it sees any outcome the previous
    /// holder stored (read in the lock's own statement, it could miss one committed while that statement started).
    /// </summary>
    /// <param name="routeAndKey">What follows the fan's id in the record id: "|METHOD route|key".</param>
    /// <returns>
    /// The ticket (null for an unknown token, and then nothing is locked), the held lock (null when another
    /// request holds the key), and the stored outcome if any.
    /// </returns>
    public async Task<(QueueTicket? Ticket, HeldKey? Held, IdempotencyRecord? Stored)> TryTakeAsync(string token,
        string routeAndKey, IDocumentStore store, CancellationToken cancellation)
    {
        var connection = await _connections.OpenConnectionAsync(cancellation);
        try
        {
            var serializer = store.Options.Serializer();
            var (ticket, taken, stored) = ((QueueTicket?)null, false, (IdempotencyRecord?)null);
            await using (var take = TakeBatch(connection, store.Options.DatabaseSchemaName, token, routeAndKey))
            await using (var reader = await take.ExecuteReaderAsync(cancellation))
            {
                if (await reader.ReadAsync(cancellation))
                {
                    ticket = serializer.FromJson<QueueTicket>(reader, 0);
                    taken = reader.GetBoolean(1);
                    await reader.NextResultAsync(cancellation);
                    if (await reader.ReadAsync(cancellation)) stored = serializer.FromJson<IdempotencyRecord>(reader, 0);
                }
            }

            if (taken) return (ticket, new HeldKey(connection), stored);
            await connection.DisposeAsync();
            return (ticket, null, stored);
        }
        catch
        {
            // Cancelled or failed midway: the batch may have taken the lock, and a pooled connection keeps it.
            await new HeldKey(connection).DisposeAsync();
            throw;
        }
    }

    private static NpgsqlBatch TakeBatch(NpgsqlConnection connection, string schema, string token, string routeAndKey) => new(connection)
    {
        BatchCommands =
        {
            new NpgsqlBatchCommand(
                $"select t.data, pg_try_advisory_lock(hashtextextended(t.data ->> 'UserId' || $2, 0)) from {schema}.mt_doc_queueticket t where t.token = $1")
            {
                Parameters = { new NpgsqlParameter { Value = token }, new NpgsqlParameter { Value = routeAndKey } },
            },
            new NpgsqlBatchCommand(
                $"select r.data from {schema}.mt_doc_idempotencyrecord r where r.id = (select t.data ->> 'UserId' from {schema}.mt_doc_queueticket t where t.token = $1) || $2")
            {
                Parameters = { new NpgsqlParameter { Value = token }, new NpgsqlParameter { Value = routeAndKey } },
            },
        },
    };

    public ValueTask DisposeAsync() => _connections.DisposeAsync();

    public sealed class HeldKey(NpgsqlConnection connection) : IAsyncDisposable
    {
        private bool _released;

        public async Task ReleaseAsync()
        {
            if (_released) return;
            _released = true;
            if (connection.State != ConnectionState.Open) return; // broken: PostgreSQL ended its session, and its locks
            try
            {
                await using var release = new NpgsqlCommand("select pg_advisory_unlock_all()", connection);
                await release.ExecuteNonQueryAsync();
            }
            catch (NpgsqlException)
            {
                // The unlock did not run (mostly: the connection broke, and the key went with its session). Should the
                // session live on, it still holds the key: closed instead of pooled, it lets go of it.
                NpgsqlConnection.ClearPool(connection);
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await ReleaseAsync();
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }
}
