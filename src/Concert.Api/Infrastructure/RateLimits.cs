using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Mvc;
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

    /// <summary>
    /// Malformed requests (400 MALFORMED_JSON or INVALID_REQUEST) a minute, per client address; past it every request
    /// of the address gets 429 until the minute is over. Refusals of well-formed requests do not count.
    /// </summary>
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

            await next(context);
        });
    }

    /// <summary>
    /// Counts a problem against its client when it says the request itself was malformed (a body that is not JSON or
    /// not the request's shape, missing or invalid fields) — not a refusal of a well-formed request (a limit, a seat
    /// taken), and not a stored answer replayed.
    /// </summary>
    public static void CountIfMalformed(HttpContext context, ProblemDetails problem)
    {
        if (problem.Status == StatusCodes.Status400BadRequest
            && problem.Extensions.TryGetValue("code", out var code) && code is ProblemCodes.MalformedJson or ProblemCodes.InvalidRequest)
        {
            context.RequestServices.GetRequiredService<MalformedRequests>().Count(ClientOf(context));
        }
    }

    /// <summary>
    /// The client's address (the proxy's X-Forwarded-For when it comes through one of Proxy:KnownProxies). An IPv6
    /// client counts by its /64, the block one host is given: a host cannot shed its limits by changing addresses.
    /// </summary>
    public static string ClientOf(HttpContext context) => context.Connection.RemoteIpAddress switch
    {
        null => "unknown",
        { AddressFamily: AddressFamily.InterNetworkV6, IsIPv4MappedToIPv6: false } v6 =>
            new IPAddress([.. v6.GetAddressBytes().AsSpan(0, 8), 0, 0, 0, 0, 0, 0, 0, 0]).ToString(),
        var address => address.ToString(),
    };

    /// <summary>
    /// Behind a proxy every fan arrives from its address: Proxy:KnownProxies (the proxies' addresses) makes their
    /// X-Forwarded-For the client's address, for the rate limits. Unset, the connection's address counts.
    /// </summary>
    public static IApplicationBuilder UseKnownProxies(this IApplicationBuilder app, IConfiguration configuration)
    {
        var proxies = configuration.GetSection("Proxy:KnownProxies").Get<string[]>() ?? [];
        if (proxies.Length == 0) return app;
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor, ForwardLimit = 1 };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in proxies) options.KnownProxies.Add(IPAddress.Parse(proxy));
        return app.UseForwardedHeaders(options);
    }

    private static async ValueTask RefuseAsync(HttpContext context, TimeSpan retryAfter) =>
        await Problems.RetryAfter(context, retryAfter, StatusCodes.Status429TooManyRequests, ProblemCodes.RateLimited,
            "This address is asking too often: try again after Retry-After.").ExecuteAsync(context);
}

/// <summary>
/// Malformed requests counted per client address in windows of a minute. Only addresses that sent one are kept, so
/// the check every request makes is a lookup that misses, without a lock.
/// </summary>
public sealed class MalformedRequests(RateLimitOptions options, TimeProvider clock)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private const int MostAddressesKept = 100_000;

    private readonly ConcurrentDictionary<string, (DateTimeOffset Since, int Count)> _byClient = new();

    /// <summary>Whether the address has used up its malformed requests of the current minute.</summary>
    public bool IsOverLimit(string client, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (options.MalformedPerMinute <= 0 || !_byClient.TryGetValue(client, out var window)) return false;
        retryAfter = window.Since + Window - clock.GetUtcNow();
        return window.Count >= options.MalformedPerMinute && retryAfter > TimeSpan.Zero;
    }

    public void Count(string client)
    {
        if (options.MalformedPerMinute <= 0) return;
        var now = clock.GetUtcNow();
        if (_byClient.Count >= MostAddressesKept) Forget(now);
        _byClient.AddOrUpdate(client, _ => (now, 1),
            (_, window) => window.Since + Window <= now ? (now, 1) : (window.Since, window.Count + 1));
    }

    /// <summary>Drops the windows that have passed, so addresses that stopped are not kept.</summary>
    private void Forget(DateTimeOffset now)
    {
        foreach (var (client, window) in _byClient)
        {
            if (window.Since + Window <= now) _byClient.TryRemove(client, out _);
        }
    }
}
