using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Mvc;

namespace Concert.Api.Infrastructure;

/// <summary>The `page` (0 onwards) and `size` (1 to <see cref="MaxSize"/>, default <see cref="DefaultSize"/>) of a listing.</summary>
public readonly record struct Paging(int Page, int Size)
{
    public const int DefaultSize = 20;
    public const int MaxSize = 100;

    /// <summary>The paging asked for, or the 400 that says what is wrong with it.</summary>
    public static bool TryRead(int? page, int? size, out Paging paging, [NotNullWhen(false)] out ProblemDetails? problem)
    {
        paging = new Paging(page ?? 0, size ?? DefaultSize);
        var errors = new Dictionary<string, string>();
        if (paging.Page < 0) errors["page"] = "page must be 0 or more.";
        if (paging.Size is < 1 or > MaxSize) errors["size"] = $"size must be 1 to {MaxSize}.";
        problem = errors.Count > 0 ? Problems.InvalidRequest(errors) : null;
        return problem is null;
    }

    /// <summary>How many items come before this page, in long: a page far past the end (up to int.MaxValue) is empty, not an overflow back to the first.</summary>
    public long Skipped => (long)Page * Size;

    /// <summary>This page of a listing held in memory.</summary>
    public IReadOnlyList<T> Of<T>(IReadOnlyList<T> listed) => Skipped >= listed.Count ? [] : listed.Skip((int)Skipped).Take(Size).ToList();
}
