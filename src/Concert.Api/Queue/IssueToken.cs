using System.Text.Json;
using Concert.Api.Infrastructure;
using Concert.Domain.Queue;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Wolverine.Http;

namespace Concert.Api.Queue;

public sealed record IssueTokenRequest(JsonElement UserId);

public static class IssueTokenEndpoint
{
    [WolverinePost("/waiting/issue")]
    [Tags("Queue")]
    [EndpointSummary("Take a place in the waiting line, or get back the live token this fan already holds.")]
    [ProblemResponse(400, ProblemCodes.InvalidUser, "userId must be a UUID other than the nil UUID.")]
    [ProducesResponseType<QueueStatus>(StatusCodes.Status200OK)]
    [ResponseHeader(200, QueueStatus.PositionHeader, "The fan's position: 0 when admitted, 1 for the next to be admitted.", isInteger: true)]
    [ResponseHeader(200, "Retry-After", "Seconds to wait before checking again: pollAfterSeconds.", isInteger: true)]
    [EnableRateLimiting(RateLimits.IssuePolicy)]
    [ProblemResponse(429, ProblemCodes.RateLimited, "This address is asking too often: try again after Retry-After.")]
    [ProblemResponse(503, ProblemCodes.ServiceBusy, "Too many issues are waiting to be written, or the service is stopping: try again after Retry-After.")]
    [ProblemResponse(503, ProblemCodes.QueueFull, "The line is full (Queue:MaxWaiting): try again after Retry-After.")]
    [ProblemResponse(429, ProblemCodes.TooManyTokens, "This address holds as many live tokens as it may (Queue:MaxTokensPerClient): try again after Retry-After.")]
    public static async Task<IResult> Post(IssueTokenRequest? request, HttpContext context, TokenIssuer issuer,
        LineView lineView, PresenceBook presence, ClientTokens clientTokens, IDocumentStore store, TimeProvider clock,
        QueueOptions options, CancellationToken cancellation)
    {
        if (!Users.TryRead(request?.UserId, out var userId)) return Users.Invalid();
        var client = RateLimits.ClientOf(context);
        if (!await clientTokens.MayIssueAsync(client, userId, cancellation)) return TooManyTokens(context);
        if (await IsFullForAsync(userId, issuer, lineView, store, clock, options, cancellation)) return Full(context);

        if (!issuer.TryIssue(userId, cancellation, out var issuing)) return Busy();
        QueueTicket ticket;
        try
        {
            ticket = await issuing.WaitAsync(cancellation);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return Busy(); // the service is stopping
        }

        clientTokens.Issued(client, userId);
        var now = clock.GetUtcNow();
        if (ticket.StatusAt(now) == TicketStatus.Active) return QueueStatus.Admitted(ticket, options).ToResult(context);

        // A new place, or asking again while waiting: a sign of life, like a check.
        await presence.SawAsync(ticket, now, cancellation);
        var line = await lineView.CurrentAsync(cancellation);
        if (ticket.InPreQueue)
        {
            return QueueStatus.InPreQueue(ticket.Token, userId, await lineView.ForPreQueueAsync(cancellation), now, options).ToResult(context);
        }

        return QueueStatus.Waiting(ticket.Token, userId, ticket.Seq, line, presence, now, options).ToResult(context);
    }

    /// <summary>How long a fan refused by a full line is told to wait: the line drains a few admission runs' worth.</summary>
    private static readonly TimeSpan FullLineRetry = TimeSpan.FromSeconds(10);

    /// <summary>A full line refuses a new place, never a fan who already holds a live token (one read, only when full).</summary>
    private static async Task<bool> IsFullForAsync(Guid userId, TokenIssuer issuer, LineView lineView, IDocumentStore store,
        TimeProvider clock, QueueOptions options, CancellationToken cancellation)
    {
        if (options.MaxWaiting <= 0) return false;
        var line = await lineView.CurrentAsync(cancellation);
        if (line.Line.WaitingUpTo(issuer.LatestSeq) + line.Line.PreQueue < options.MaxWaiting) return false;
        await using var query = store.QuerySession();
        var current = await query.LoadAsync<QueueTicket>(QueueTicket.StreamKey(userId), cancellation);
        return !WaitingLine.HoldsLiveToken(current, clock.GetUtcNow());
    }

    private static IResult Full(HttpContext context) =>
        Problems.RetryAfter(context, FullLineRetry, StatusCodes.Status503ServiceUnavailable, ProblemCodes.QueueFull,
            "The waiting line is full: try again after Retry-After.");

    /// <summary>How long an address at its limit is told to wait: its fans' tokens end as they are admitted, pay or lapse.</summary>
    private static readonly TimeSpan TooManyTokensRetry = TimeSpan.FromSeconds(30);

    private static IResult TooManyTokens(HttpContext context) =>
        Problems.RetryAfter(context, TooManyTokensRetry, StatusCodes.Status429TooManyRequests, ProblemCodes.TooManyTokens,
            "This address holds as many live queue tokens as it may: try again after Retry-After.");

    private static IResult Busy() =>
        Problems.Result(StatusCodes.Status503ServiceUnavailable, ProblemCodes.ServiceBusy, "Too many fans are taking a place at once: try again in a moment.");
}
