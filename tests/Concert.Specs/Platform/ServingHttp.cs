using System.Text.Json.Nodes;
using Alba;
using Concert.Api.Infrastructure;
using Concert.Specs.Support;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Shouldly;

namespace Concert.Specs.Platform;

[Collection(ConcertAppCollection.Name)]
public sealed class ServingHttp(ConcertApp app)
{
    private IAlbaHost Host => app.Host;

    [Fact]
    public async Task an_unknown_route_gets_a_404_problem()
    {
        await app.GetProblem("/no/such/route", 404, "NOT_FOUND");
    }

    [Theory]
    [InlineData("")]
    [InlineData(SpecApp.AdminKey + "!")]
    [InlineData("specs-admin-ke")]
    [InlineData("SPECS-ADMIN-KEY")]
    public async Task an_admin_route_refuses_every_other_key_whatever_its_length(string key)
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url("/admin/queue");
            s.WithRequestHeader("X-Admin-Key", key);
            s.StatusCodeShouldBe(401);
        });

        await result.ShouldBeProblem(401, "ADMIN_KEY_INVALID");
    }

    [Fact]
    public async Task a_url_past_the_limit_gets_a_414_problem()
    {
        var query = new string('a', RequestHeadLimits.MaxTargetBytes);

        await app.GetProblem($"/waiting/check?pad={query}", 414, "URI_TOO_LONG");
    }

    [Fact]
    public async Task headers_past_the_limit_get_a_431_problem()
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url("/waiting/check");
            s.WithRequestHeader("X-Padding", new string('a', RequestHeadLimits.MaxHeaderBytes));
            s.StatusCodeShouldBe(431);
        });

        await result.ShouldBeProblem(431, "HEADERS_TOO_LARGE");
    }

    [Fact]
    public async Task kestrel_lets_a_head_past_the_limits_reach_the_service_so_it_can_answer_with_a_problem()
    {
        var kestrel = Host.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;

        kestrel.MaxRequestLineSize.ShouldBeGreaterThan(RequestHeadLimits.MaxTargetBytes + "DELETE  HTTP/1.1\r\n".Length);
        kestrel.MaxRequestHeadersTotalSize.ShouldBeGreaterThan(RequestHeadLimits.MaxHeaderBytes);
    }

    [Fact]
    public async Task a_wrong_method_gets_a_405_problem()
    {
        var result = await Host.Scenario(s =>
        {
            s.Delete.Url("/concerts/1/schedules");
            s.StatusCodeShouldBe(405);
        });

        await result.ShouldBeProblem(405, "METHOD_NOT_ALLOWED");
    }

    [Fact]
    public async Task liveness_and_readiness_answer_while_postgres_does()
    {
        await Host.Scenario(s =>
        {
            s.Get.Url("/health/live");
            s.StatusCodeShouldBe(200);
        });
        await Host.Scenario(s =>
        {
            s.Get.Url("/health/ready");
            s.StatusCodeShouldBe(200);
        });
    }

    [Fact]
    public async Task the_openapi_document_describes_every_route_with_its_problem_codes()
    {
        var result = await Host.Scenario(s => s.Get.Url("/openapi/v1.json"));
        var paths = (await result.ReadObject())["paths"]!.AsObject();

        ProblemCodes(paths, "/admin/concerts", "post", "400").ShouldContain("INVALID_REQUEST");
        ProblemCodes(paths, "/admin/concerts", "post", "401").ShouldContain("ADMIN_KEY_INVALID");
        paths["/admin/concerts"]!["post"]!["responses"]!.AsObject().ContainsKey("201").ShouldBeTrue();
        ProblemCodes(paths, "/concerts/{concertId}/schedules", "get", "404").ShouldContain("CONCERT_NOT_FOUND");
        ProblemCodes(paths, "/concerts/{concertId}/schedules", "get", "400").ShouldContain("INVALID_REQUEST");
        ProblemCodes(paths, "/concerts/{concertId}/schedules/{scheduleId}/seats", "get", "404").ShouldContain("SCHEDULE_NOT_FOUND");
        paths["/payments"]!["post"]!["responses"]!.AsObject().Select(r => r.Key).ShouldBe(
            ["201", "400", "401", "402", "403", "404", "409", "414", "415", "422", "429", "431", "503"], ignoreOrder: true);
        ProblemCodes(paths, "/payments", "post", "402").ShouldContain("INSUFFICIENT_BALANCE");
        ProblemCodes(paths, "/payments", "post", "409").ShouldContain("ALREADY_CONFIRMED");
        ProblemCodes(paths, "/users/{userId}/charge", "patch", "400").ShouldContain("MONTHLY_LIMIT_EXCEEDED");
        paths["/reservations"]!["post"]!["responses"]!.AsObject().ContainsKey("201").ShouldBeTrue();
        ProblemCodes(paths, "/admin/support/tokens/{token}/history", "get", "404").ShouldContain("TOKEN_NOT_FOUND");
    }

    private static IEnumerable<string> ProblemCodes(JsonObject paths, string path, string method, string status) =>
        paths[path]![method]!["responses"]![status]!["content"]!["application/problem+json"]!["examples"]!
            .AsObject().Select(example => example.Value!["value"]!["code"]!.GetValue<string>());
}
