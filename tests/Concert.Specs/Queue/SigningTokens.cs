using System.Buffers.Text;
using Alba;
using Concert.Api.Queue;
using Concert.Specs.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Concert.Specs.Queue;

/// <summary>A queue token is signed: an altered or forged one is refused without a place in line; keys rotate without cutting anyone off.</summary>
[Collection(QueueAppCollection.Name)]
public sealed class SigningTokens(QueueApp app) : QueueScenarios(app)
{
    private const string RotatedKey = "cm90YXRlZC1rZXktZm9yLXRoZS1zcGVjcy1vbmx5LTMyYnl0ZXM=";

    [Fact]
    public async Task an_altered_token_is_refused_on_the_check_and_at_the_gate()
    {
        var fan = await Host.Issue(Guid.NewGuid());
        var altered = Altered(fan.Token);

        await Host.CheckShouldBeRefused(altered, "TOKEN_INVALID");
        var gate = await Host.Scenario(s =>
        {
            s.Get.Url("/concerts/1/schedules");
            s.WithRequestHeader(QueueGate.TokenHeader, altered);
            s.StatusCodeShouldBe(401);
        });
        await gate.ShouldBeProblem(401, "TOKEN_INVALID");
        (await Host.Check(fan.Token)).Position.ShouldBe(1);
    }

    [Fact]
    public async Task a_token_signed_with_a_key_the_service_does_not_hold_is_refused()
    {
        await using var stranger = await App.StartHostAsync(KeysOf(("9", RotatedKey)));
        var forged = await stranger.Issue(Guid.NewGuid());

        await Host.CheckShouldBeRefused(forged.Token, "TOKEN_INVALID");
    }

    [Fact]
    public async Task a_signed_token_for_a_place_never_given_is_unknown()
    {
        var tokens = Host.Services.GetRequiredService<QueueTokens>();

        await Host.CheckShouldBeRefused(tokens.Sign(Guid.NewGuid(), 987_654_321, App.Clock.GetUtcNow()), "TOKEN_EXPIRED");
    }

    [Fact]
    public async Task after_a_key_rotation_tokens_signed_with_the_old_key_live_on()
    {
        await Host.ChangeQueue(new { paused = true });
        var before = await Host.Issue(Guid.NewGuid());
        var developmentKey = Host.Services.GetRequiredService<QueueOptions>().TokenKeys[0];

        // The new key signs; the old one still verifies.
        await using var rotated = await App.StartHostAsync(KeysOf(("2", RotatedKey), (developmentKey.Id.ToString(), developmentKey.Secret)));
        var after = await rotated.Issue(Guid.NewGuid());

        (await rotated.Check(before.Token)).Position.ShouldBe(1);
        (await rotated.Check(after.Token)).Position.ShouldBe(2);
        Base64Url.DecodeFromChars(after.Token)[0].ShouldBe((byte)2); // signed with the new key
    }

    private static Action<IWebHostBuilder> KeysOf(params (string Id, string Secret)[] keys) => web =>
    {
        for (var index = 0; index < keys.Length; index++)
        {
            web.UseSetting($"Queue:TokenKeys:{index}:Id", keys[index].Id);
            web.UseSetting($"Queue:TokenKeys:{index}:Secret", keys[index].Secret);
        }
    };

    /// <summary>The same token with one character of its signature changed.</summary>
    private static string Altered(string token) => token[..^3] + (token[^3] == 'A' ? 'B' : 'A') + token[^2..];
}
