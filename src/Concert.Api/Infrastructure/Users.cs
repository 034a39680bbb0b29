using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace Concert.Api.Infrastructure;

/// <summary>Fans are known by a UUID of their own choosing; one never seen before is valid.</summary>
public static class Users
{
    public static bool TryRead(JsonElement? value, out Guid userId)
    {
        userId = Guid.Empty;
        return value is { ValueKind: JsonValueKind.String } text && TryParse(text.GetString(), out userId);
    }

    public static bool TryParse(string? value, out Guid userId) =>
        Guid.TryParseExact(value, "D", out userId) && userId != Guid.Empty;

    public static ProblemDetails InvalidProblem() =>
        Problems.Create(StatusCodes.Status400BadRequest, ProblemCodes.InvalidUser, "userId must be a UUID other than the nil UUID.");

    public static IResult Invalid() => TypedResults.Problem(InvalidProblem());
}
