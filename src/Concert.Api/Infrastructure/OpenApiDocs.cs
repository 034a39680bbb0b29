using Concert.Api.Idempotency;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Concert.Api.Queue;
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

public static class OpenApiDocs
{
    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Concert",
                Version = "v1",
                Description = "Concert seats under a rush: waiting queue, seat holds, wallet and payment. "
                              + "Every error is application/problem+json with a stable code.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            var problems = metadata.OfType<ProblemResponseAttribute>().ToList();
            var path = "/" + context.Description.RelativePath;
            if (path.StartsWith("/admin", StringComparison.Ordinal))
            {
                problems.Add(new ProblemResponseAttribute(401, ProblemCodes.AdminKeyInvalid, "The X-Admin-Key header is missing or wrong."));
                AddHeader(operation, AdminKey.Header, "The operator key, Admin:ApiKey.");
            }
            else if (!path.StartsWith("/waiting", StringComparison.Ordinal))
            {
                problems.Add(new ProblemResponseAttribute(401, ProblemCodes.TokenExpired, "The queue token is missing, unknown or expired."));
                problems.Add(new ProblemResponseAttribute(401, ProblemCodes.TokenInvalid, "The queue token is not a token this service issues."));
                problems.Add(new ProblemResponseAttribute(403, ProblemCodes.QueueNotActive, "The fan's turn in the waiting line has not come yet."));
                if (path.Contains("{userId}", StringComparison.Ordinal))
                {
                    problems.Add(new ProblemResponseAttribute(403, ProblemCodes.TokenUserMismatch, "The queue token belongs to another user."));
                }

                AddHeader(operation, QueueGate.TokenHeader, "An ACTIVE queue token (POST /waiting/issue, then GET /waiting/check).");
            }

            if (metadata.OfType<IdempotentAttribute>().Any())
            {
                problems.Add(new ProblemResponseAttribute(400, ProblemCodes.IdempotencyKeyRequired, "An Idempotency-Key header of 1 to 64 printable ASCII characters is required."));
                problems.Add(new ProblemResponseAttribute(409, ProblemCodes.IdempotencyKeyInFlight, "A request with this Idempotency-Key is still being processed."));
                problems.Add(new ProblemResponseAttribute(422, ProblemCodes.IdempotencyKeyReused, "This Idempotency-Key was used with another request body."));
            }

            operation.Responses ??= new OpenApiResponses();
            if (operation.Responses.ContainsKey("201"))
            {
                operation.Responses.Remove("200"); // the framework's guess for an endpoint that answers IResult
            }

            foreach (var byStatus in problems.DistinctBy(p => (p.Status, p.Code)).GroupBy(p => p.Status))
            {
                var media = new OpenApiMediaType { Examples = new Dictionary<string, IOpenApiExample>() };
                foreach (var problem in byStatus)
                {
                    media.Examples[problem.Code] = new OpenApiExample
                    {
                        Summary = problem.Message,
                        Value = new JsonObject
                        {
                            ["type"] = $"https://tools.ietf.org/html/rfc9110#status-{problem.Status}",
                            ["title"] = problem.Message,
                            ["status"] = problem.Status,
                            ["code"] = problem.Code,
                            ["message"] = problem.Message,
                        },
                    };
                }

                operation.Responses[byStatus.Key.ToString()] = new OpenApiResponse
                {
                    Description = string.Join(" / ", byStatus.Select(p => p.Code)),
                    Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = media },
                };
            }

            return Task.CompletedTask;
        });
    }

    private static void AddHeader(OpenApiOperation operation, string name, string description)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = name,
            In = ParameterLocation.Header,
            Required = true,
            Description = description,
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        });
    }
}
