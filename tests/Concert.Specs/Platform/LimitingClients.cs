using System.Net;
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
    public async Task behind_a_known_proxy_each_forwarded_client_has_its_own_limit()
    {
        await using var limited = await app.StartHostAsync(web =>
        {
            web.UseSetting("RateLimits:IssuesPerSecond", "2");
            web.UseSetting("Proxy:KnownProxies:0", "10.0.0.1");
        });

        var fromFans = new List<int>();
        var fromTheProxyItself = new List<int>();
        for (var fan = 0; fan < 20; fan++)
        {
            fromFans.Add(await IssueThroughTheProxy(limited, $"203.0.113.{fan + 1}"));
            fromTheProxyItself.Add(await IssueThroughTheProxy(limited, forwardedFor: null));
        }

        fromFans.ShouldAllBe(status => status == 200);
        fromTheProxyItself.ShouldContain(429);
    }

    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::ffff")]
    public async Task one_ipv6_host_counts_as_one_client_whatever_address_of_its_block_it_uses(string first, string second)
    {
        await using var limited = await app.StartHostAsync(web => web.UseSetting("RateLimits:IssuesPerSecond", "2"));

        // Four each: within one address's burst, past the burst of one block.
        var answers = new List<int>();
        for (var request = 0; request < 8; request++)
        {
            var address = IPAddress.Parse(request % 2 == 0 ? first : second);
            answers.Add((await limited.Scenario(s =>
            {
                s.Post.Json(new { userId = Guid.NewGuid() }).ToUrl("/waiting/issue");
                s.ConfigureHttpContext(context => context.Connection.RemoteIpAddress = address);
                s.IgnoreStatusCode();
            })).Context.Response.StatusCode);
        }

        answers.ShouldContain(429);
    }

    private static async Task<int> IssueThroughTheProxy(IAlbaHost host, string? forwardedFor) =>
        (await host.Scenario(s =>
        {
            s.Post.Json(new { userId = Guid.NewGuid() }).ToUrl("/waiting/issue");
            s.ConfigureHttpContext(context => context.Connection.RemoteIpAddress = IPAddress.Parse("10.0.0.1"));
            if (forwardedFor is not null) s.WithRequestHeader("X-Forwarded-For", forwardedFor);
            s.IgnoreStatusCode();
        })).Context.Response.StatusCode;

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
