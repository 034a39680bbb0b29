using System.Text.Json.Nodes;
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
            if (context.Description.RelativePath?.StartsWith("admin", StringComparison.Ordinal) == true)
            {
                problems.Add(new ProblemResponseAttribute(401, "ADMIN_KEY_INVALID", "The X-Admin-Key header is missing or wrong."));
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = AdminKey.Header,
                    In = ParameterLocation.Header,
                    Required = true,
                    Description = "The operator key, Admin:ApiKey.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
            }

            operation.Responses ??= new OpenApiResponses();
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
}
