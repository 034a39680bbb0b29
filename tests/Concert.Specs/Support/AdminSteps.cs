using Alba;

namespace Concert.Specs.Support;

/// <summary>What an operator or support agent asks the service, with the admin key.</summary>
public static class AdminSteps
{
    public static async Task<T> AdminGet<T>(this IAlbaHost host, string url)
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url(url);
            s.WithRequestHeader(Api.Infrastructure.AdminKey.Header, SpecApp.AdminKey);
            s.StatusCodeShouldBe(200);
        });
        return await result.Read<T>();
    }

    public static Task<IScenarioResult> AdminGetRefused(this IAlbaHost host, string url, int status) =>
        host.Scenario(s =>
        {
            s.Get.Url(url);
            s.WithRequestHeader(Api.Infrastructure.AdminKey.Header, SpecApp.AdminKey);
            s.StatusCodeShouldBe(status);
        });
}
