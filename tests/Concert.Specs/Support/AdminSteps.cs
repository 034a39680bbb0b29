using Alba;
using Wolverine.Tracking;

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

    /// <summary>An operator cancels a schedule (POST /admin/schedules/{id}/cancel).</summary>
    public static Task<IScenarioResult> CancelSchedule(this IAlbaHost host, long scheduleId, int? expectedStatus = 202) =>
        host.Scenario(s =>
        {
            s.Post.Url($"/admin/schedules/{scheduleId}/cancel");
            s.WithRequestHeader(Api.Infrastructure.AdminKey.Header, SpecApp.AdminKey);
            if (expectedStatus is { } status) s.StatusCodeShouldBe(status);
            else s.IgnoreStatusCode();
        });

    /// <summary>The cancellation, and every seat's settlement it sends, waited for through Wolverine's message tracking.</summary>
    public static async Task<IScenarioResult> CancelScheduleAndSettle(this IAlbaHost host, long scheduleId, int expectedStatus = 202)
    {
        IScenarioResult? cancelled = null;
        await host.TrackActivity().Timeout(TimeSpan.FromSeconds(60)).DoNotAssertOnExceptionsDetected()
            .ExecuteAndWaitAsync((Func<Wolverine.IMessageContext, Task>)(async _ =>
                cancelled = await host.CancelSchedule(scheduleId, expectedStatus)));
        return cancelled!;
    }
}
