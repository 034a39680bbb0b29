using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Concert.Api.Infrastructure;

/// <summary>
/// A request line or headers past Kestrel's limits get Kestrel's own answer (414, 431) with no body, before any
/// middleware runs, and ASP.NET Core has no hook to change it (aspnet/KestrelHttpServer#2947). So Kestrel's limits
/// are twice the service's and the service refuses what lies between as problem+json: a client that grew its cookies
/// or query string too far reads why. Only a head past twice the limit, which no client sends by mistake, still gets
/// Kestrel's bare answer.
/// </summary>
public static class RequestHeadLimits
{
    /// <summary>Kestrel's defaults, kept as the service's limits.</summary>
    public const int MaxTargetBytes = 8 * 1024;
    public const int MaxHeaderBytes = 32 * 1024;

    public static void AddRequestHeadLimits(this WebApplicationBuilder builder) =>
        builder.Services.Configure<KestrelServerOptions>(kestrel =>
        {
            kestrel.Limits.MaxRequestLineSize = 2 * MaxTargetBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = 2 * MaxHeaderBytes;
        });

    public static IApplicationBuilder UseRequestHeadLimits(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (TargetBytes(context.Request) > MaxTargetBytes)
            {
                await Problems.Result(StatusCodes.Status414UriTooLong, ProblemCodes.UriTooLong,
                    $"The request's path and query string are longer than {MaxTargetBytes} bytes.").ExecuteAsync(context);
                return;
            }

            if (HeaderBytes(context.Request.Headers) > MaxHeaderBytes)
            {
                await Problems.Result(StatusCodes.Status431RequestHeaderFieldsTooLarge, ProblemCodes.HeadersTooLarge,
                    $"The request's headers are larger than {MaxHeaderBytes} bytes.").ExecuteAsync(context);
                return;
            }

            await next(context);
        });

    /// <summary>The request target's size: its query string as sent, its path decoded (no longer than as sent).</summary>
    private static long TargetBytes(HttpRequest request) =>
        (request.PathBase.Value?.Length ?? 0) + (request.Path.Value?.Length ?? 0) + (request.QueryString.Value?.Length ?? 0);

    /// <summary>The headers' size as Kestrel counts it: each line's name, value, ": " and line end.</summary>
    private static long HeaderBytes(IHeaderDictionary headers)
    {
        long bytes = 0;
        foreach (var (name, values) in headers)
        {
            foreach (var value in values)
            {
                bytes += name.Length + (value?.Length ?? 0) + 4;
            }
        }

        return bytes;
    }
}
