using System.Text.Json.Nodes;
using Concert.Api.Idempotency;
using Concert.Api.Queue;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Concert.Api.Infrastructure;

/// <summary>Declares a problem+json answer an endpoint gives, with the contract's code, for the OpenAPI document.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ProblemResponseAttribute(int status, string code, string message) : Attribute
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public string Message { get; } = message;
}

/// <summary>Declares a header an endpoint's answer of <paramref name="status"/> carries, for the OpenAPI document.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ResponseHeaderAttribute(int status, string name, string description, bool isInteger = false) : Attribute
{
    public int Status { get; } = status;
    public string Name { get; } = name;
    public string Description { get; } = description;
    public bool IsInteger { get; } = isInteger;
}

/// <summary>
/// Completes each operation with what the middleware does around every endpoint, so a generated client knows it: the
/// key it must send (security schemes, the Idempotency-Key parameter), and every answer it can get — the endpoint's
/// own problems, the gate's, the key's, the rate limits' and the database's — each as problem+json with its codes and
/// headers. The framework's guesses (a bare 404, a 409 for every route) are replaced by these.
/// </summary>
public static class OpenApiOperations
{
    private static readonly ProblemResponseAttribute TooManyRequests = new(429, ProblemCodes.RateLimited,
        "This address is asking too often: try again after Retry-After.");
    private static readonly ProblemResponseAttribute UriTooLong = new(414, ProblemCodes.UriTooLong,
        "The path and query string are longer than the service takes (RequestHeadLimits).");
    private static readonly ProblemResponseAttribute HeadersTooLarge = new(431, ProblemCodes.HeadersTooLarge,
        "The headers are larger than the service takes (RequestHeadLimits).");
    private static readonly ProblemResponseAttribute Busy = new(503, ProblemCodes.ServiceBusy,
        "The service is too busy to answer now; try again after Retry-After.");

    public static Task Complete(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken _)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var path = "/" + context.Description.RelativePath;
        var writes = !HttpMethods.IsGet(context.Description.HttpMethod ?? "");
        var keyed = metadata.OfType<IdempotentAttribute>().Any();
        var problems = metadata.OfType<ProblemResponseAttribute>().ToList();

        if (path.StartsWith("/admin", StringComparison.Ordinal))
        {
            Require(operation, context, OpenApiDocs.AdminKeyScheme);
            problems.Add(new ProblemResponseAttribute(401, ProblemCodes.AdminKeyInvalid, "The X-Admin-Key header is missing or wrong."));
        }
        else if (path == "/waiting/check")
        {
            Require(operation, context, OpenApiDocs.QueueTokenScheme);
        }
        else if (!path.StartsWith("/waiting", StringComparison.Ordinal))
        {
            Require(operation, context, OpenApiDocs.QueueTokenScheme);
            problems.Add(new ProblemResponseAttribute(401, ProblemCodes.TokenExpired, "The queue token is missing, unknown or expired."));
            problems.Add(new ProblemResponseAttribute(401, ProblemCodes.TokenInvalid, "The queue token is not a token this service issues."));
            problems.Add(new ProblemResponseAttribute(403, ProblemCodes.QueueNotActive, "The fan's turn in the waiting line has not come yet."));
            if (path.Contains("{userId}", StringComparison.Ordinal))
            {
                problems.Add(new ProblemResponseAttribute(403, ProblemCodes.TokenUserMismatch, "The queue token belongs to another user."));
            }
        }

        if (keyed)
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = IdempotencyKeys.KeyHeader,
                In = ParameterLocation.Header,
                Required = true,
                Description = "Makes the request safe to send again: the same key with the same body within 24 h is answered "
                              + "with the first answer and changes nothing. A new key for each new intent.",
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.String, MinLength = 1, MaxLength = 64, Pattern = "^[ -~]{1,64}$",
                    Examples = ["0b7c5f1e-hold-seat-7"],
                },
            });
            problems.Add(new ProblemResponseAttribute(400, ProblemCodes.IdempotencyKeyRequired, "An Idempotency-Key header of 1 to 64 printable ASCII characters is required."));
            problems.Add(new ProblemResponseAttribute(409, ProblemCodes.IdempotencyKeyInFlight, "A request with this Idempotency-Key is still being processed."));
            problems.Add(new ProblemResponseAttribute(422, ProblemCodes.IdempotencyKeyReused, "This Idempotency-Key was used with another request body."));
        }

        if (operation.RequestBody is not null)
        {
            problems.Add(new ProblemResponseAttribute(400, ProblemCodes.MalformedJson, "The request body is not valid JSON for this request."));
            problems.Add(new ProblemResponseAttribute(415, ProblemCodes.UnsupportedMediaType, "The request body must be application/json."));
        }

        if (operation.Parameters?.Any(parameter => parameter.In == ParameterLocation.Query) == true)
        {
            problems.Add(new ProblemResponseAttribute(400, ProblemCodes.InvalidRequest, "A query parameter is not of its type."));
        }

        if (writes && !path.StartsWith("/waiting", StringComparison.Ordinal))
        {
            problems.Add(new ProblemResponseAttribute(409, ProblemCodes.Conflict, "Other requests kept changing the same data; try again."));
        }

        problems.Add(UriTooLong);
        problems.Add(HeadersTooLarge);
        problems.Add(TooManyRequests);
        problems.Add(Busy);

        operation.Responses ??= new OpenApiResponses();
        foreach (var guessed in operation.Responses.Keys.Where(status => !status.StartsWith('2')).ToList())
        {
            operation.Responses.Remove(guessed);
        }

        if (operation.Responses.ContainsKey("201"))
        {
            operation.Responses.Remove("200"); // the framework's guess for an endpoint that answers IResult
        }

        foreach (var byStatus in problems.DistinctBy(p => (p.Status, p.Code)).GroupBy(p => p.Status))
        {
            operation.Responses[byStatus.Key.ToString()] = ProblemResponse(context, byStatus.Key, byStatus.ToList());
        }

        foreach (var header in metadata.OfType<ResponseHeaderAttribute>())
        {
            AddHeader(operation.Responses[header.Status.ToString()], header.Name, header.Description, header.IsInteger, required: true);
        }

        if (keyed)
        {
            foreach (var response in operation.Responses.Values)
            {
                AddHeader(response, IdempotencyKeys.StatusHeader,
                    "CREATED on the first answer to a key, REPLAYED on the same answer given again.", isInteger: false, required: false);
            }
        }

        return Task.CompletedTask;
    }

    private static void Require(OpenApiOperation operation, OpenApiOperationTransformerContext context, string scheme)
    {
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement
        {
            [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [],
        });
    }

    private static OpenApiResponse ProblemResponse(OpenApiOperationTransformerContext context, int status,
        IReadOnlyList<ProblemResponseAttribute> problems)
    {
        var media = new OpenApiMediaType
        {
            Schema = new OpenApiSchemaReference(OpenApiDocs.ProblemSchema, context.Document),
            Examples = new Dictionary<string, IOpenApiExample>(),
        };
        foreach (var problem in problems)
        {
            media.Examples[problem.Code] = new OpenApiExample
            {
                Summary = problem.Message,
                Value = new JsonObject
                {
                    ["type"] = $"https://tools.ietf.org/html/rfc9110#status-{problem.Status}",
                    ["title"] = Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(problem.Status),
                    ["status"] = problem.Status,
                    ["code"] = problem.Code,
                    ["message"] = problem.Message,
                },
            };
        }

        var response = new OpenApiResponse
        {
            Description = string.Join(" / ", problems.Select(p => p.Code)),
            Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = media },
        };
        if (status is 429 or 503)
        {
            AddHeader(response, "Retry-After", "Seconds to wait before trying again.", isInteger: true, required: true);
        }

        return response;
    }

    private static void AddHeader(IOpenApiResponse response, string name, string description, bool isInteger, bool required)
    {
        var concrete = (OpenApiResponse)response;
        concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
        concrete.Headers[name] = new OpenApiHeader
        {
            Description = description,
            Required = required,
            Schema = isInteger
                ? new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "0" }
                : new OpenApiSchema { Type = JsonSchemaType.String },
        };
    }
}
