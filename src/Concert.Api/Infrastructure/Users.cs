using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace Concert.Api.Infrastructure;

/// <summary>Fans are known by a UUID of their own choosing; one never seen before is valid.</summary>
public static class Users
{
    /// <summary>The route parameter that names the fan a route acts for.</summary>
    public const string RouteParameter = "userId";

    public static bool TryRead(JsonElement? value, out Guid userId)
    {
        userId = Guid.Empty;
        return value is { ValueKind: JsonValueKind.String } text && TryParse(StringOf(text), out userId);
    }

    /// <summary>
    /// A JSON string that is not valid Unicode (bytes that are not UTF-8, a lone surrogate escape) is no UUID:
    /// System.Text.Json refuses to make a string of it.
    /// </summary>
    private static string? StringOf(JsonElement text)
    {
        try
        {
            return text.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    public static bool TryParse(string? value, out Guid userId) =>
        Guid.TryParseExact(value, "D", out userId) && userId != Guid.Empty;

    public static ProblemDetails InvalidProblem() =>
        Problems.Create(StatusCodes.Status400BadRequest, ProblemCodes.InvalidUser, "userId must be a UUID other than the nil UUID.");

    public static IResult Invalid() => TypedResults.Problem(InvalidProblem());
}
