using Concert.Specs.Support;
using Microsoft.Extensions.Logging;

namespace Concert.Specs.Platform;

public sealed class LoggingClientErrors(LoggedApp app) : IClassFixture<LoggedApp>
{
    [Theory]
    [InlineData("/waiting/issue", "{ not json")]
    [InlineData("/waiting/issue", """{"userId": 12""")]
    [InlineData("/waiting/issue", """{"userId": ["a"]}""")]
    [InlineData("/admin/concerts", """{"title": 5, "schedules": "x"}""")]
    [InlineData("/admin/concerts", """{"title": "A", "schedules": [{"startAt": 1}]}""")]
    public async Task a_clients_malformed_body_is_answered_400_and_not_logged_as_the_services_error(string url, string body)
    {
        await app.Host.Scenario(s =>
        {
            s.Post.Text(body).ToUrl(url);
            s.WithRequestHeader("Content-Type", "application/json");
            s.WithRequestHeader("X-Admin-Key", SpecApp.AdminKey);
            s.StatusCodeShouldBe(400);
        });

        app.Entries.Where(entry => entry.Level >= LogLevel.Warning).Select(entry => $"{entry.Category}: {entry.Message}")
            .ShouldBeEmpty();
    }
}
