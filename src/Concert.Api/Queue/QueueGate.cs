using System.Reflection;
using System.Runtime.CompilerServices;
using Concert.Api.Infrastructure;
using Concert.Domain.Queue;
using Marten;
using Microsoft.AspNetCore.Mvc;
using JasperFx;
using JasperFx.CodeGeneration.Frames;
using JasperFx.CodeGeneration.Model;
using Wolverine.Http;
using Wolverine.Http.CodeGen;

namespace Concert.Api.Queue;

/// <summary>The fan an ACTIVE queue token lets through: a gated endpoint names it as a parameter.</summary>
public sealed record AdmittedFan(Guid UserId, string Token);

/// <summary>Gives an <see cref="AdmittedFan"/> parameter of a gated endpoint the fan the gate let through.</summary>
public sealed class AdmittedFanParameter : IParameterStrategy
{
    private readonly ConditionalWeakTable<HttpChain, Variable> _fanOfChain = new();

    public bool TryMatch(HttpChain chain, IServiceContainer container, ParameterInfo parameter, out Variable? variable)
    {
        variable = parameter.ParameterType == typeof(AdmittedFan)
            ? _fanOfChain.GetValue(chain, _ => new MethodCall(typeof(QueueGate), nameof(QueueGate.AdmittedFanOf)).ReturnVariable!)
            : null;
        return variable is not null;
    }
}

/// <summary>
/// Every endpoint outside /waiting and /admin serves only fans holding an ACTIVE queue token (X-Queue-Token).
/// A route that acts for a fan ({userId} in its path) serves only that fan.
/// </summary>
public static class QueueGate
{
    public const string TokenHeader = "X-Queue-Token";

    private static readonly string[] OpenAreas = ["/waiting", "/admin"];

    public static IApplicationBuilder UseQueueGate(this IApplicationBuilder app) =>
        app.UseWhen(IsGated, gated => gated.Use(async (context, next) =>
        {
            var store = context.RequestServices.GetRequiredService<IDocumentStore>();
            var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
            await using var query = store.QuerySession();
            var (ticket, problem) = await LiveTicketAsync(query, context, now, context.RequestAborted);
            problem ??= ticket!.StatusAt(now) == TicketStatus.Waiting
                ? Problems.Create(StatusCodes.Status403Forbidden, ProblemCodes.QueueNotActive, "Your turn in the waiting line has not come yet.")
                : ActsForAnotherFan(context, ticket.UserId)
                    ? UserMismatch()
                    : null;
            if (problem is not null)
            {
                await TypedResults.Problem(problem).ExecuteAsync(context);
                return;
            }

            context.Features.Set(new AdmittedFan(ticket!.UserId, ticket.Token));
            await next(context);
        }));

    /// <summary>The ticket behind the request's token while it is live (waiting or active); else a 401 problem.</summary>
    public static async Task<(QueueTicket? Ticket, ProblemDetails? Problem)> LiveTicketAsync(IQuerySession query,
        HttpContext context, DateTimeOffset now, CancellationToken cancellation)
    {
        var token = TokenOf(context);
        if (token.Length > 0 && context.RequestServices.GetRequiredService<QueueTokens>().Read(token, out _) == TokenReading.Invalid)
        {
            return (null, InvalidToken());
        }

        var ticket = context.Features.Get<QueueTicket>() // already read for this request's Idempotency-Key
                     ?? (token.Length == 0 ? null : await QueueStore.TicketByTokenAsync(query, token, cancellation));
        return LiveOrRefused(ticket, now);
    }

    /// <summary>The fan the gate let through; only gated routes have one.</summary>
    public static AdmittedFan AdmittedFanOf(HttpContext context) =>
        context.Features.Get<AdmittedFan>()
        ?? throw new InvalidOperationException($"{context.Request.Path} is not behind the queue gate, so it has no admitted fan.");

    public static string TokenOf(HttpContext context) => context.Request.Headers[TokenHeader].ToString();

    /// <summary>401 TOKEN_INVALID for a header that holds something other than a queue token this service signed.</summary>
    public static ProblemDetails InvalidToken() =>
        Problems.Create(StatusCodes.Status401Unauthorized, ProblemCodes.TokenInvalid, $"The {TokenHeader} header does not hold a queue token.");

    /// <summary>The ticket if its token is live; 401 TOKEN_EXPIRED for no token, an unknown one or one whose time is over.</summary>
    public static (QueueTicket? Ticket, ProblemDetails? Problem) LiveOrRefused(QueueTicket? ticket, DateTimeOffset now) =>
        ticket is null || ticket.StatusAt(now) == TicketStatus.Expired ? (null, ExpiredToken()) : (ticket, null);

    /// <summary>401 TOKEN_EXPIRED: no token, or one that is unknown or whose time is over.</summary>
    public static ProblemDetails ExpiredToken() =>
        Problems.Create(StatusCodes.Status401Unauthorized, ProblemCodes.TokenExpired,
            $"The {TokenHeader} header is missing, or its token is unknown or expired: take a place with POST /waiting/issue.");

    private static bool IsGated(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<HttpChain>() is not null
        && !OpenAreas.Any(area => context.Request.Path.StartsWithSegments(area));

    /// <summary>Whether the route acts for a fan ({userId}) other than this one.</summary>
    public static bool ActsForAnotherFan(HttpContext context, Guid userId) =>
        Users.TryParse(context.GetRouteValue(Users.RouteParameter) as string, out var routeUser) && routeUser != userId;

    /// <summary>403 TOKEN_USER_MISMATCH when a request acts for another fan than the one its token admitted.</summary>
    public static ProblemDetails? MismatchedUser(AdmittedFan fan, Guid actingFor) =>
        fan.UserId != actingFor ? UserMismatch() : null;

    private static ProblemDetails UserMismatch() =>
        Problems.Create(StatusCodes.Status403Forbidden, ProblemCodes.TokenUserMismatch, "The queue token belongs to another user.");
}
