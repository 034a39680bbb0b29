using Concert.Api.Idempotency;
using Concert.Api.Infrastructure;
using Alba;
using Concert.Api.Queue;
using Concert.Specs.Support;

namespace Concert.Specs.Queue;

[Collection(QueueAppCollection.Name)]
public sealed class PassingTheGate(QueueApp app) : QueueScenarios(app)
{
    [Theory]
    [InlineData("""{"userId":"not-a-uuid"}""")]
    [InlineData("""{"userId":"00000000-0000-0000-0000-000000000000"}""")]
    [InlineData("""{"userId":42}""")]
    [InlineData("""{"userId":null}""")]
    [InlineData("""{}""")]
    [InlineData("""null""")]
    public async Task a_bad_user_id_gets_400_invalid_user(string body)
    {
        var result = await Host.Scenario(s =>
        {
            s.Post.Text(body).ToUrl("/waiting/issue");
            s.WithRequestHeader("Content-Type", "application/json");
            s.StatusCodeShouldBe(400);
        });

        await result.ShouldBeProblem(400, "INVALID_USER");
    }

    /// <summary>Bodies whose userId is no Unicode text: bytes that are not UTF-8, and a lone surrogate escape.</summary>
    public static TheoryData<byte[]> UserIdsThatAreNotText()
    {
        byte[] notUtf8 = [.. "{\"userId\":\""u8, 0xff, 0xfe, 0xfd, .. "\"}"u8];
        return new TheoryData<byte[]> { notUtf8, "{\"userId\":\"\\ud800\"}"u8.ToArray() };
    }

    [Theory]
    [MemberData(nameof(UserIdsThatAreNotText))]
    public async Task a_user_id_that_is_not_text_gets_400_invalid_user(byte[] body)
    {
        var result = await Host.Scenario(s =>
        {
            s.Post.Url("/waiting/issue");
            s.ConfigureHttpContext(context => context.Request.WriteRawJson(body));
            s.StatusCodeShouldBe(400);
        });

        await result.ShouldBeProblem(400, "INVALID_USER");
    }

    [Theory]
    [InlineData("/waiting/check", null, "TOKEN_EXPIRED")]
    [InlineData("/waiting/check", "AAAAAAAAAAAAAAAAAAAAAAAA", "TOKEN_EXPIRED")]
    [InlineData("/waiting/check", "not a token", "TOKEN_INVALID")]
    [InlineData("/concerts/1/schedules", null, "TOKEN_EXPIRED")]
    [InlineData("/concerts/1/schedules", "AAAAAAAAAAAAAAAAAAAAAAAA", "TOKEN_EXPIRED")]
    [InlineData("/concerts/1/schedules", "not a token", "TOKEN_INVALID")]
    [InlineData("/concerts/1/schedules/1/seats", null, "TOKEN_EXPIRED")]
    public async Task a_request_without_a_live_token_gets_401(string url, string? token, string code)
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url(url);
            if (token is not null) s.WithRequestHeader(QueueGate.TokenHeader, token);
            s.StatusCodeShouldBe(401);
        });

        await result.ShouldBeProblem(401, code);
    }

    [Fact]
    public async Task a_fan_still_waiting_gets_403_queue_not_active()
    {
        await Pause();
        var fan = await Host.Issue(Guid.NewGuid());

        var result = await CatalogReadAs(fan.Token, expectedStatus: 403);

        await result.ShouldBeProblem(403, "QUEUE_NOT_ACTIVE");
    }

    [Theory]
    [InlineData("GET", "/users/{userId}/amount", null)]
    [InlineData("PATCH", "/users/{userId}/charge", """{"amount":1000}""")]
    [InlineData("POST", "/payments", """{"reservationId":1,"amount":60000}""")]
    public async Task a_fan_still_waiting_cannot_touch_money_either(string method, string url, string? body)
    {
        await Pause();
        var fan = await Host.Issue(Guid.NewGuid());

        var result = await Host.Scenario(s =>
        {
            var path = url.Replace("{userId}", fan.UserId.ToString());
            if (body is null) s.Get.Url(path);
            else (method == "PATCH" ? s.Patch : s.Post).Text(body).ToUrl(path);
            s.WithRequestHeader("Content-Type", "application/json");
            s.WithRequestHeader(QueueGate.TokenHeader, fan.Token);
            s.WithRequestHeader(IdempotencyKeys.KeyHeader, "waiting");
            s.StatusCodeShouldBe(403);
        });

        await result.ShouldBeProblem(403, "QUEUE_NOT_ACTIVE");
    }

    [Fact]
    public async Task an_admitted_fan_passes_and_loses_the_way_when_the_turn_ends()
    {
        var fan = await Host.Issue(Guid.NewGuid());
        await App.RunAdmission();

        await CatalogReadAs(fan.Token, expectedStatus: 404);
        App.Clock.Advance(App.Options.ActiveTtl);
        var result = await CatalogReadAs(fan.Token, expectedStatus: 401);

        await result.ShouldBeProblem(401, "TOKEN_EXPIRED");
    }

    [Fact]
    public async Task the_operator_sees_the_line_at_a_glance()
    {
        for (var i = 0; i < 5; i++) await Host.Issue(Guid.NewGuid());
        await App.RunAdmission();

        var overview = await Host.QueueOverview();

        overview.ShouldBe(new QueueOverview(Waiting: 2, Active: 3, AdmittedLastMinute: 3, MaxActive: 3, Paused: false,
            CountedAt: App.Clock.GetUtcNow(), OpensAt: null));
    }

    [Fact]
    public async Task the_operator_widens_the_line_at_run_time()
    {
        var fans = new List<QueueStatus>();
        for (var i = 0; i < 6; i++) fans.Add(await Host.Issue(Guid.NewGuid()));
        await App.RunAdmission();

        var changed = await Host.ChangeQueue(new { maxActive = 5 });
        await App.RunAdmission();

        changed.MaxActive.ShouldBe(5);
        var statuses = await Task.WhenAll(fans.Select(f => Host.Check(f.Token)));
        statuses.Select(s => s.Active).ShouldBe([true, true, true, true, true, false]);
    }

    [Fact]
    public async Task the_operator_pauses_and_resumes_admission()
    {
        var paused = await Host.ChangeQueue(new { paused = true });
        var fan = await Host.Issue(Guid.NewGuid());
        await App.RunAdmission();
        var whilePaused = await Host.Check(fan.Token);

        var resumed = await Host.ChangeQueue(new { paused = false });
        await App.RunAdmission();

        paused.Paused.ShouldBeTrue();
        whilePaused.Active.ShouldBeFalse();
        resumed.Paused.ShouldBeFalse();
        (await Host.Check(fan.Token)).Active.ShouldBeTrue();
    }

    [Theory]
    [InlineData("""{"maxActive":0}""")]
    [InlineData("""{"maxActive":-5}""")]
    [InlineData("""{}""")]
    public async Task a_bad_queue_change_gets_400(string body)
    {
        var result = await Host.Scenario(s =>
        {
            s.Patch.Text(body).ToUrl("/admin/queue");
            s.WithRequestHeader("Content-Type", "application/json");
            s.WithRequestHeader("X-Admin-Key", SpecApp.AdminKey);
            s.StatusCodeShouldBe(400);
        });

        await result.ShouldBeProblem(400, "INVALID_REQUEST");
    }

    [Fact]
    public async Task queue_controls_need_the_admin_key()
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url("/admin/queue");
            s.StatusCodeShouldBe(401);
        });

        await result.ShouldBeProblem(401, "ADMIN_KEY_INVALID");
    }

    private Task Pause() => Host.ChangeQueue(new { paused = true });

    private Task<IScenarioResult> CatalogReadAs(string token, int expectedStatus) =>
        Host.Scenario(s =>
        {
            s.Get.Url("/concerts/999999/schedules");
            s.WithRequestHeader(QueueGate.TokenHeader, token);
            s.StatusCodeShouldBe(expectedStatus);
        });
}
