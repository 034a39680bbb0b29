using Alba;
using Concert.Specs.Support;
using Microsoft.AspNetCore.Hosting;

namespace Concert.Specs.Platform;

[Collection(ConcertAppCollection.Name)]
public sealed class LimitingClients(ConcertApp app)
{
    [Fact]
    public async Task an_address_taking_places_faster_than_its_limit_gets_429_with_retry_after()
    {
        await using var limited = await app.StartHostAsync(web => web.UseSetting("RateLimits:IssuesPerSecond", "2"));

        var answers = new List<IScenarioResult>();
        for (var fan = 0; fan < 20; fan++)
        {
            answers.Add(await limited.Scenario(s =>
            {
                s.Post.Json(new { userId = Guid.NewGuid() }).ToUrl("/waiting/issue");
                s.IgnoreStatusCode();
            }));
        }

        answers.Take(4).ShouldAllBe(answer => answer.Context.Response.StatusCode == 200);
        var refused = answers.First(answer => answer.Context.Response.StatusCode == 429);
        await refused.ShouldBeProblem(429, "RATE_LIMITED");
        int.Parse(refused.Context.Response.Headers.RetryAfter.ToString()).ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task an_address_past_its_malformed_requests_gets_429_for_every_request_until_the_minute_passes()
    {
        await using var limited = await app.StartHostAsync(web => web.UseSetting("RateLimits:MalformedPerMinute", "3"));

        for (var malformed = 0; malformed < 3; malformed++)
        {
            await limited.Scenario(s =>
            {
                s.Post.Text("{ not json").ToUrl("/waiting/issue");
                s.WithRequestHeader("Content-Type", "application/json");
                s.StatusCodeShouldBe(400);
            });
        }

        var refused = await limited.Scenario(s =>
        {
            s.Post.Json(new { userId = Guid.NewGuid() }).ToUrl("/waiting/issue");
            s.StatusCodeShouldBe(429);
        });
        await refused.ShouldBeProblem(429, "RATE_LIMITED");
        int.Parse(refused.Context.Response.Headers.RetryAfter.ToString()).ShouldBeGreaterThan(1);
    }
}
