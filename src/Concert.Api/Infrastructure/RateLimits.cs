using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Concert.Api.Infrastructure;

/// <summary>
/// The RateLimits:* settings: how much one client address may ask. A waiting room meets fans behind shared
/// addresses (a carrier's NAT, a campus), so the limits stop a script, not a crowd; 0 turns a limit off.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>Places taken (POST /waiting/issue) a second, per client address, after a burst of as many again.</summary>
    public int IssuesPerSecond { get; set; } = 50;

    /// <summary>Malformed requests (400) a minute, per client address; past it every request of the address gets 429.</summary>
    public int MalformedPerMinute { get; set; } = 120;
}

/// <summary>429 RATE_LIMITED, as problem+json with Retry-After, for a client address past a limit of RateLimits:*.</summary>
public static class RateLimits
{
    public const string IssuePolicy = "issue";

    public static void AddConcertRateLimits(this IServiceCollection services, RateLimitOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<MalformedRequests>();
        services.AddRateLimiter(limiter =>
        {
            limiter.OnRejected = (rejected, _) => RefuseAsync(rejected.HttpContext,
                rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1));
            limiter.AddPolicy(IssuePolicy, context => options.IssuesPerSecond <= 0
                ? RateLimitPartition.GetNoLimiter("off")
                : RateLimitPartition.GetTokenBucketLimiter(ClientOf(context), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = 2 * options.IssuesPerSecond,
                    TokensPerPeriod = options.IssuesPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                }));
        });
    }

    /// <summary>The rate limiter, then the limit on malformed requests: both before anything reads a body or the database.</summary>
    public static IApplicationBuilder UseConcertRateLimits(this IApplicationBuilder app)
    {
        app.UseRateLimiter();
        var malformed = app.ApplicationServices.GetRequiredService<MalformedRequests>();
        return app.Use(async (context, next) =>
        {
            if (malformed.IsOverLimit(ClientOf(context), out var retryAfter))
            {
                await RefuseAsync(context, retryAfter);
                return;
            }

            context.Response.OnStarting(() =>
            {
                if (context.Response.StatusCode == StatusCodes.Status400BadRequest) malformed.Count(ClientOf(context));
                return Task.CompletedTask;
            });
            await next(context);
        });
    }

    /// <summary>The client's address as the connection gives it (behind a proxy, configure forwarded headers first).</summary>
    public static string ClientOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static async ValueTask RefuseAsync(HttpContext context, TimeSpan retryAfter)
    {
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        await Problems.Result(StatusCodes.Status429TooManyRequests, ProblemCodes.RateLimited,
            "This address is asking too often: try again after Retry-After.").ExecuteAsync(context);
    }
}

/// <summary>Malformed requests (400s) counted per client address, in a token bucket per address refilled each minute.</summary>
public sealed class MalformedRequests(RateLimitOptions options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(client =>
        options.MalformedPerMinute <= 0
            ? RateLimitPartition.GetNoLimiter(client)
            : RateLimitPartition.GetTokenBucketLimiter(client, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.MalformedPerMinute,
                TokensPerPeriod = options.MalformedPerMinute,
                ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            }));

    /// <summary>Whether the address has used up its malformed requests (asking for no permit consumes none).</summary>
    public bool IsOverLimit(string client, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(client, 0);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
        return !lease.IsAcquired;
    }

    public void Count(string client) => _limiter.AttemptAcquire(client).Dispose();

    public void Dispose() => _limiter.Dispose();
}
