using System.Security.Cryptography;
using System.Text;

namespace Concert.Api.Infrastructure;

/// <summary>Guards every /admin route with the X-Admin-Key header against Admin:ApiKey.</summary>
public static class AdminKey
{
    public const string Header = "X-Admin-Key";

    public static IApplicationBuilder UseAdminKey(this IApplicationBuilder app, string? configuredKey)
    {
        var expected = Encoding.UTF8.GetBytes(configuredKey ?? "");
        return app.UseWhen(
            context => context.Request.Path.StartsWithSegments("/admin"),
            admin => admin.Use(async (context, next) =>
            {
                var presented = Encoding.UTF8.GetBytes(context.Request.Headers[Header].ToString());
                if (expected.Length == 0 || !CryptographicOperations.FixedTimeEquals(presented, expected))
                {
                    await Problems.Result(StatusCodes.Status401Unauthorized, ProblemCodes.AdminKeyInvalid,
                        $"The {Header} header is missing or wrong.").ExecuteAsync(context);
                    return;
                }

                await next(context);
            }));
    }
}
