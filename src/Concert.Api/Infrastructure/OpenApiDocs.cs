using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Concert.Api.Infrastructure;

/// <summary>
/// The OpenAPI document clients are generated from (/openapi/v1.json): built from the endpoints, then completed by
/// <see cref="OpenApiOperations"/> (who may call, with which key, what every answer is) and
/// <see cref="OpenApiVocabulary"/> (what each named value may be). A spec walks it against the service's answers.
/// </summary>
public static class OpenApiDocs
{
    public const string QueueTokenScheme = "QueueToken";
    public const string AdminKeyScheme = "AdminKey";
    public const string ProblemSchema = "Problem";

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Concert",
                Version = "v1",
                Description = "Concert seats under a rush: waiting queue, seat holds, wallet and payment. "
                              + "Every error is application/problem+json with a stable code. A request line or headers past "
                              + "twice the service's limits, or a request Kestrel cannot parse (a NUL in the path), is refused "
                              + "by the web server itself with an empty body.",
            };
            // Relative to where it is served (the default, said): the same document on every host, so the client
            // generated from it is checked against any (./concert client --check).
            document.Servers = [new OpenApiServer { Url = "/" }];
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
            {
                [QueueTokenScheme] = ApiKey(Queue.QueueGate.TokenHeader,
                    "A queue token from POST /waiting/issue; the gated routes want it ACTIVE (see GET /waiting/check)."),
                [AdminKeyScheme] = ApiKey(AdminKey.Header, "The operator key, Admin:ApiKey."),
            };
            document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
            document.Components.Schemas[ProblemSchema] = Problem();
            document.Components.Schemas.Remove("ProblemDetails");
            OpenApiVocabulary.ReplaceRawJsonMembers(document.Components.Schemas);
            document.Components.Schemas.Remove("IResult");
            return Task.CompletedTask;
        });
        options.AddOperationTransformer(OpenApiOperations.Complete);
        options.AddSchemaTransformer(OpenApiVocabulary.Apply);
    }

    private static OpenApiSecurityScheme ApiKey(string header, string description) => new()
    {
        Type = SecuritySchemeType.ApiKey,
        In = ParameterLocation.Header,
        Name = header,
        Description = description,
    };

    /// <summary>RFC 9457 problem details with the contract's fields (<see cref="Problems"/>).</summary>
    private static OpenApiSchema Problem() => new()
    {
        Type = JsonSchemaType.Object,
        Required = new HashSet<string> { "type", "title", "status", "code", "message" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
            ["code"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String, Pattern = "^[A-Z][A-Z0-9_]*$",
                Description = "A stable UPPER_SNAKE code: what went wrong, for a program to act on.",
            },
            ["message"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A short text for a person." },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "On a validation failure: each invalid field and why.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String },
            },
        },
        Examples = [new JsonObject
        {
            ["type"] = "https://tools.ietf.org/html/rfc9110#section-15.5.10",
            ["title"] = "Conflict",
            ["status"] = 409,
            ["code"] = ProblemCodes.SeatAlreadyTaken,
            ["message"] = "The seat is held or sold.",
        }],
    };
}
