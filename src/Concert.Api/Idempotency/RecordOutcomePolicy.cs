using System.Text.Json;
using Concert.Api.Infrastructure;
using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.CodeGeneration.Frames;
using Marten;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Wolverine.Http;

namespace Concert.Api.Idempotency;

/// <summary>The stored outcome of a key's first execution. Id: user, route and key. Kept 24 hours.</summary>
public sealed record IdempotencyRecord(
    string Id,
    string RequestHash,
    DateTimeOffset CreatedAt,
    int StatusCode,
    string Body,
    IReadOnlyDictionary<string, string> Headers);

/// <summary>A first execution's key, set on the request by <see cref="IdempotencyKeys"/>.</summary>
public sealed record IdempotencyClaim(string Key, string RecordId, string RequestHash, DateTimeOffset At);

/// <summary>
/// Every <see cref="IdempotentAttribute"/> endpoint stores its outcome — the status, body and headers of the result it
/// returns — in its own transaction, after it returns and before its changes are saved: an endpoint cannot forget to.
/// </summary>
public sealed class RecordOutcomePolicy : IHttpPolicy
{
    public void Apply(IReadOnlyList<HttpChain> chains, GenerationRules rules, IServiceContainer container)
    {
        foreach (var chain in chains.Where(chain => chain.Method.Method.IsDefined(typeof(IdempotentAttribute), false)))
        {
            // First of the postprocessors: before the transaction's SaveChangesAsync.
            chain.Postprocessors.Insert(0, new MethodCall(typeof(RecordOutcomePolicy), nameof(Record)));
            // The outcome is a document saved with the endpoint's changes: a keyed endpoint runs in Wolverine's
            // transaction, which it has when it takes a Marten session.
            if (!chain.IsTransactional)
            {
                throw new InvalidOperationException(
                    $"{chain.Method.HandlerType.Name}.{chain.Method.Method.Name} is [Idempotent] but has no transaction to record its outcome in: give it an IDocumentSession parameter.");
            }
        }
    }

    /// <summary>
    /// Stores the outcome when the request holds a key's first execution, and names the key on every event of the
    /// session (support reads it back). A refusal (a 4xx) changes nothing but its stored answer; should a crash lose
    /// that answer within the fraction of a second before PostgreSQL flushes it, a retry simply asks again: so it
    /// commits without waiting for the flush.
    /// </summary>
    public static void Record(IResult result, IDocumentSession session, HttpContext context)
    {
        if (context.Features.Get<IdempotencyClaim>() is not { } claim) return;
        var (status, body) = Outcome(result);
        if (status >= 400) session.QueueSqlCommand("set local synchronous_commit to off");
        session.SetHeader(IdempotencyKeys.EventHeader, claim.Key);
        var json = JsonSerializer.Serialize(body, body.GetType(),
            context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions);
        var headers = context.Response.Headers
            .Where(header => header.Key != IdempotencyKeys.StatusHeader)
            .ToDictionary(header => header.Key, header => header.Value.ToString());
        session.Store(new IdempotencyRecord(claim.RecordId, claim.RequestHash, claim.At, status, json, headers));
    }

    private static (int Status, object Body) Outcome(IResult result)
    {
        var status = (result as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK;
        var body = (result as IValueHttpResult)?.Value
                   ?? throw new InvalidOperationException($"An idempotent endpoint answered {result.GetType().Name}, which has no body to replay.");
        if (body is Microsoft.AspNetCore.Mvc.ProblemDetails problem) Problems.Complete(problem);
        return (status, body);
    }
}
