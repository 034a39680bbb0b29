using System.Security.Cryptography;
using System.Text;

namespace Concert.Api.Infrastructure;

/// <summary>Guards every /admin route with the X-Admin-Key header against Admin:ApiKey.</summary>
public static class AdminKey
{
    public const string Header = "X-Admin-Key";

    public static IApplicationBuilder UseAdminKey(this IApplicationBuilder app, string? configuredKey)
    {
        var expected = string.IsNullOrEmpty(configuredKey) ? null : Digest(configuredKey);
        return app.UseWhen(
            context => context.Request.Path.StartsWithSegments("/admin"),
            admin => admin.Use(async (context, next) =>
            {
                if (expected is null || !CryptographicOperations.FixedTimeEquals(Digest(context.Request.Headers[Header].ToString()), expected))
                {
                    await Problems.Result(StatusCodes.Status401Unauthorized, ProblemCodes.AdminKeyInvalid,
                        $"The {Header} header is missing or wrong.").ExecuteAsync(context);
                    return;
                }

                await next(context);
            }));
    }

    /// <summary>
    /// Keys are compared by their SHA-256 digests: equal lengths whatever was presented, so the comparison's time says
    /// nothing about the key's length or its bytes (FixedTimeEquals returns at once on a length mismatch).
    /// </summary>
    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
