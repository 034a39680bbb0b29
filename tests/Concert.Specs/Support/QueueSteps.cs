using Alba;
using Concert.Api.Infrastructure;
using Concert.Api.Queue;
using Microsoft.Extensions.DependencyInjection;

namespace Concert.Specs.Support;

/// <summary>The waiting-line steps a scenario takes as a fan.</summary>
public static class QueueSteps
{
    public static async Task<QueueStatus> Issue(this IAlbaHost host, Guid userId)
    {
        var result = await host.Scenario(s =>
        {
            s.Post.Json(new { userId }).ToUrl("/waiting/issue");
            s.StatusCodeShouldBe(200);
        });
        return await result.Read<QueueStatus>();
    }

    public static async Task<QueueStatus> Check(this IAlbaHost host, string token)
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url("/waiting/check");
            s.WithRequestHeader(QueueGate.TokenHeader, token);
            s.StatusCodeShouldBe(200);
        });
        var status = await result.Read<QueueStatus>();
        result.Context.Response.Headers[QueueStatus.PositionHeader].ToString().ShouldBe(status.Position.ToString());
        result.Context.Response.Headers.RetryAfter.ToString().ShouldBe(status.PollAfterSeconds.ToString());
        return status;
    }

    public static async Task CheckShouldBeRefused(this IAlbaHost host, string token, string code)
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url("/waiting/check");
            s.WithRequestHeader(QueueGate.TokenHeader, token);
            s.StatusCodeShouldBe(401);
        });
        await result.ShouldBeProblem(401, code);
    }

    /// <summary>
    /// An operator's change to the line's controls (PATCH /admin/queue), once this node's copy of them has caught up (it
    /// polls every <see cref="LineView.PollInterval"/>).
    /// </summary>
    public static async Task<QueueOverview> ChangeQueue(this IAlbaHost host, object change)
    {
        var result = await host.Scenario(s =>
        {
            s.Patch.Json(change).ToUrl("/admin/queue");
            s.WithRequestHeader(AdminKey.Header, SpecApp.AdminKey);
            s.StatusCodeShouldBe(200);
        });
        await host.Services.GetRequiredService<LineView>().RefreshAsync(CancellationToken.None);
        return await result.Read<QueueOverview>();
    }

    /// <summary>The line as the operator sees it (GET /admin/queue).</summary>
    public static Task<QueueOverview> QueueOverview(this IAlbaHost host) => host.AdminGet<QueueOverview>("/admin/queue");

    /// <summary>
    /// A fan (new, unless given) who takes a place and keeps checking until admitted (the admission job runs on its own).
    /// </summary>
    public static async Task<QueueStatus> AdmittedFan(this IAlbaHost host, Guid? userId = null)
    {
        var issued = await host.Issue(userId ?? Guid.NewGuid());
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var status = await host.Check(issued.Token);
            if (status.Active) return status;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"fan {issued.UserId} was never admitted");
            await Task.Delay(20);
        }
    }
}
