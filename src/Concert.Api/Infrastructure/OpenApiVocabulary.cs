using System.Text.Json.Nodes;
using Concert.Api.Catalog;
using Concert.Api.Queue;
using Concert.Domain.Catalog;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Concert.Api.Infrastructure;

/// <summary>
/// Each name the API uses means one thing wherever it appears — a path or query parameter, a member of a request or of
/// an answer — so what the service enforces on it is said once here, by name, for the OpenAPI document: a userId is a
/// UUID, a seatNumber 1 to 50, a startAt the venue's wall-clock time. The checks themselves live with their slices
/// (their limits are the constants named here); the conformance spec holds the two together.
/// </summary>
public static class OpenApiVocabulary
{
    private delegate void Term(OpenApiSchema schema, bool inRequest);

    private static readonly Dictionary<string, Term> Terms = new()
    {
        ["userId"] = (schema, _) =>
        {
            schema.Type = JsonSchemaType.String;
            schema.Format = "uuid";
            schema.Not = new OpenApiSchema { Const = Guid.Empty.ToString() };
            schema.Description = "A fan's UUID; not the nil UUID. A fan never seen before is valid.";
            schema.Examples = ["a1b2c3d4-e5f6-4890-abcd-ef0123456789"];
        },
        ["concertId"] = Id,
        ["scheduleId"] = Id,
        ["reservationId"] = Id,
        ["paymentId"] = Id,
        ["seatNumber"] = (schema, _) => Range(schema, 1, Venue.SeatCount),
        ["amount"] = (schema, _) =>
        {
            schema.Minimum = "1";
            schema.Description = "Whole KRW.";
            schema.Examples = [80_000];
        },
        ["maxActive"] = (schema, _) => Range(schema, 1, ChangeQueueEndpoint.MostActive),
        ["title"] = (schema, _) =>
        {
            schema.MinLength = 1;
            schema.MaxLength = CreateConcertEndpoint.MaxTitleLength;
        },
        ["schedules"] = (schema, inRequest) =>
        {
            if (!inRequest) return;
            schema.MinItems = 1;
            schema.MaxItems = CreateConcertEndpoint.MaxSchedules;
        },
        ["startAt"] = (schema, inRequest) =>
        {
            schema.Type = JsonSchemaType.String;
            schema.Format = null;
            schema.Pattern = inRequest ? CreateConcertEndpoint.StartAtPattern : VenueWallClockPattern;
            schema.Description = inRequest
                ? "The venue's wall-clock time (Catalog:TimeZone), e.g. 2026-12-24T19:00:00; an instant with Z or an offset is converted to it."
                : "The venue's wall-clock time (Catalog:TimeZone), without an offset.";
            schema.Examples = ["2026-12-24T19:00:00"];
        },
        ["prices"] = (schema, _) =>
        {
            schema.Description = "Seat number (1 to 50) to price in KRW; seats not named keep their default tier.";
            schema.PropertyNames = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = SeatNumberPattern };
            schema.AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "1" };
            schema.Examples = [new JsonObject { ["1"] = 150_000, ["2"] = 150_000 }];
        },
        ["date"] = Date,
        ["from"] = Date,
        ["to"] = Date,
        ["at"] = (schema, _) =>
        {
            schema.Type = schema.Type is { } type && type.HasFlag(JsonSchemaType.Null) ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
            schema.Format = "date-time";
        },
        ["page"] = (schema, _) =>
        {
            schema.Minimum = "0";
            schema.Default = 0;
        },
        ["size"] = (schema, _) =>
        {
            Range(schema, 1, Paging.MaxSize);
            schema.Default = Paging.DefaultSize;
        },
        ["onlyBookable"] = (schema, _) => schema.Default = true,
    };

    private const string VenueWallClockPattern = @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?$";
    private const string SeatNumberPattern = "^([1-9]|[1-4][0-9]|50)$";

    public static Task Apply(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken _)
    {
        var nullable = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type);
        var type = nullable ?? context.JsonTypeInfo.Type;
        if (type == typeof(DateTimeOffset))
        {
            // Written as a string by Json's instant converter, which the schema exporter cannot see through.
            schema.Type = nullable is null ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
            schema.Format = "date-time";
        }

        if (type.IsEnum)
        {
            schema.Type = JsonSchemaType.String; // written by name (Json's enum converter)
            // A nullable member says null where it refers to the enum (oneOf null); a null among the names would make
            // generated clients invent a member for it.
            if (schema.Enum is { } names) foreach (var none in names.Where(name => name is null).ToList()) names.Remove(none);
        }

        var inRequest = context.JsonPropertyInfo?.DeclaringType.Name.EndsWith("Request", StringComparison.Ordinal) == true;
        if (inRequest && schema.Type is { } declared)
        {
            schema.Type = declared & ~JsonSchemaType.Null; // a request member sent as null is refused like a missing one
        }

        var name = context.JsonPropertyInfo?.Name ?? context.ParameterDescription?.Name;
        if (name is not null && Terms.TryGetValue(name, out var term))
        {
            term(schema, inRequest);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Members read as raw JSON (a userId, so that a number or bad bytes get INVALID_USER, not MALFORMED_JSON) have no
    /// schema of their own: each becomes what its name means.
    /// </summary>
    public static void ReplaceRawJsonMembers(IDictionary<string, IOpenApiSchema> schemas)
    {
        const string rawJson = "JsonElement";
        foreach (var (typeName, schema) in schemas)
        {
            if (schema.Properties is not { } properties) continue;
            foreach (var (name, member) in properties.ToList())
            {
                if (member is not OpenApiSchemaReference { Reference.Id: rawJson }) continue;
                var described = new OpenApiSchema();
                Terms[name](described, typeName.EndsWith("Request", StringComparison.Ordinal));
                properties[name] = described;
            }
        }

        schemas.Remove(rawJson);
    }

    private static void Id(OpenApiSchema schema, bool _)
    {
        schema.Minimum = "1";
        schema.Description ??= "Issued by the service.";
    }

    private static void Range(OpenApiSchema schema, int minimum, int maximum)
    {
        schema.Minimum = minimum.ToString(System.Globalization.CultureInfo.InvariantCulture);
        schema.Maximum = maximum.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Date(OpenApiSchema schema, bool _)
    {
        schema.Type = JsonSchemaType.String;
        schema.Format = "date";
        schema.Description ??= "A day of the venue's calendar, yyyy-MM-dd.";
    }
}
