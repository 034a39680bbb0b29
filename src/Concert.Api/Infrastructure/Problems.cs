using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace Concert.Api.Infrastructure;

/// <summary>
/// Every error leaves as application/problem+json with the contract's fields: type, title, status, code,
/// message and, on validation failures, errors (field name to message).
/// </summary>
public static partial class Problems
{
    /// <summary>The title Wolverine gives the problem it writes for a body it cannot deserialize.</summary>
    private const string MalformedJsonTitle = "Invalid JSON format";

    public static ProblemDetails Create(int status, string code, string message,
        IReadOnlyDictionary<string, string>? errors = null)
    {
        var problem = new ProblemDetails { Status = status, Detail = message };
        problem.Extensions["code"] = code;
        problem.Extensions["message"] = message;
        if (errors is { Count: > 0 })
        {
            problem.Extensions["errors"] = errors;
        }

        return problem;
    }

    public static IResult Result(int status, string code, string message,
        IReadOnlyDictionary<string, string>? errors = null) =>
        TypedResults.Problem(Create(status, code, message, errors));

    /// <summary>A refusal that says when to try again: the problem, with Retry-After in whole seconds (at least 1).</summary>
    public static IResult RetryAfter(HttpContext context, TimeSpan wait, int status, string code, string message)
    {
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Result(status, code, message);
    }

    public static ProblemHttpResult NotFound(string code, string message) =>
        TypedResults.Problem(Create(StatusCodes.Status404NotFound, code, message));

    public static ProblemDetails InvalidRequest(IReadOnlyDictionary<string, string> errors) =>
        Create(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest, "The request is not valid.", errors);

    /// <summary>A body of JSON null binds no request at all.</summary>
    public static ProblemDetails BodyRequired() =>
        Create(StatusCodes.Status400BadRequest, ProblemCodes.MalformedJson, "The request body must be a JSON object.");

    /// <summary>
    /// Gives framework-made problems (malformed JSON, unknown routes, wrong methods, failures) the same
    /// code and message fields the endpoints' own problems carry.
    /// </summary>
    public static void Complete(ProblemDetails problem)
    {
        var status = problem.Status ?? StatusCodes.Status500InternalServerError;
        problem.Title ??= ReasonPhrases.GetReasonPhrase(status);
        problem.Type ??= $"https://tools.ietf.org/html/rfc9110#status-{status}";
        if (status == StatusCodes.Status400BadRequest && problem.Title == MalformedJsonTitle)
        {
            // The serializer's own text names .NET types; say where the body is wrong instead.
            var path = JsonPath().Match(problem.Detail ?? "");
            problem.Detail = path.Success
                ? $"The request body is not valid JSON for this request at {path.Groups[1].Value}."
                : "The request body is not valid JSON for this request.";
        }

        problem.Extensions.TryAdd("code", DefaultCode(status, problem.Title));
        problem.Extensions.TryAdd("message", status switch
        {
            StatusCodes.Status503ServiceUnavailable => "The service is too busy to answer now; try again in a moment.",
            >= 500 => "An unexpected error occurred.",
            _ => problem.Detail ?? problem.Title ?? "The request could not be processed.",
        });
        if (status >= 500)
        {
            problem.Detail = null;
            problem.Extensions.Remove("exception");
        }
    }

    private static string DefaultCode(int status, string? title) => status switch
    {
        400 when title == MalformedJsonTitle => ProblemCodes.MalformedJson,
        400 => ProblemCodes.InvalidRequest,
        401 => ProblemCodes.Unauthorized,
        403 => ProblemCodes.Forbidden,
        404 => ProblemCodes.NotFound,
        405 => ProblemCodes.MethodNotAllowed,
        406 => ProblemCodes.NotAcceptable,
        409 => ProblemCodes.Conflict,
        413 => ProblemCodes.PayloadTooLarge,
        415 => ProblemCodes.UnsupportedMediaType,
        503 => ProblemCodes.ServiceBusy,
        >= 500 => ProblemCodes.InternalError,
        _ => ProblemCodes.RequestFailed,
    };

    [GeneratedRegex(@"Path: (\S+)")]
    private static partial Regex JsonPath();
}
