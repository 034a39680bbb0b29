using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using Concert.Api.Infrastructure;
using Concert.Api.Queue;

namespace Concert.Specs.Support;

/// <summary>Reads responses the way a client of the contract would: the service's JSON conventions, and its problems.</summary>
public static class Wire
{
    public static readonly JsonSerializerOptions Options = CreateOptions();

    public static async Task<T> Read<T>(this IScenarioResult result) =>
        JsonSerializer.Deserialize<T>(await result.ReadAsTextAsync(), Options)!;

    public static async Task<JsonObject> ReadObject(this IScenarioResult result) =>
        JsonNode.Parse(await result.ReadAsTextAsync())!.AsObject();

    /// <summary>A JSON body sent as these very bytes, whether or not they are UTF-8.</summary>
    public static void WriteRawJson(this Microsoft.AspNetCore.Http.HttpRequest request, byte[] body)
    {
        request.ContentType = "application/json";
        request.ContentLength = body.Length;
        request.Body = new MemoryStream(body);
    }

    /// <summary>Asserts the response is problem+json with the contract's fields and returns it.</summary>
    public static async Task<JsonObject> ShouldBeProblem(this IScenarioResult result, int status, string code)
    {
        result.Context.Response.StatusCode.ShouldBe(status);
        result.Context.Response.ContentType.ShouldStartWith("application/problem+json");
        var problem = await result.ReadObject();
        problem["status"]!.GetValue<int>().ShouldBe(status);
        problem["code"]!.GetValue<string>().ShouldBe(code);
        problem["message"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        problem["title"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        problem["type"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        (await result.ReadAsTextAsync()).ShouldNotContain("   at ");
        return problem;
    }

    /// <summary>GETs a URL that must answer with the given problem, as the specs' admitted fan.</summary>
    public static async Task<JsonObject> GetProblem(this ConcertApp app, string url, int status, string code)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Get.Url(url);
            s.WithRequestHeader(QueueGate.TokenHeader, app.FanToken);
            s.StatusCodeShouldBe(status);
        });
        return await result.ShouldBeProblem(status, code);
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Concert.Api.Infrastructure.Json.Configure(options);
        return options;
    }
}
