using System.Buffers.Text;
using Alba;
using Concert.Api.Queue;
using Concert.Specs.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Concert.Specs.Queue;

/// <summary>
/// A queue token is signed: an altered one is refused without a look at the database; a token a node cannot verify (a
/// key it lacks, or from before tokens were signed) is looked up; keys rotate without cutting anyone off.
/// </summary>
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
    public async Task a_token_signed_with_a_key_this_node_lacks_is_answered_from_the_database()
    {
        await Host.ChangeQueue(new { paused = true });
        await using var newer = await App.StartHostAsync(KeysOf(("9", RotatedKey)));
        var fan = await newer.Issue(Guid.NewGuid());

        (await Host.Check(fan.Token)).Position.ShouldBe(1);
        await Host.CheckShouldBeRefused(newer.Services.GetRequiredService<QueueTokens>().Sign(Guid.NewGuid(), 987_654_321),
            "TOKEN_EXPIRED");
    }

    [Fact]
    public async Task a_token_from_before_tokens_were_signed_still_checks_and_passes_the_gate()
    {
        var fan = await Host.Issue(Guid.NewGuid());
        const string unsigned = "OldRandomTokenOf144bitsA";
        await App.ExecuteAsync($$"""
            update concert.mt_doc_queueticket set token = '{{unsigned}}', data = jsonb_set(data, '{Token}', '"{{unsigned}}"')
            where id = 'queue-{{fan.UserId}}'
            """);

        (await Host.Check(unsigned)).Position.ShouldBe(1);
        await App.RunAdmission();
        (await Host.Check(unsigned)).Active.ShouldBeTrue();
        await Host.Scenario(s =>
        {
            s.Get.Url("/concerts/999999/schedules");
            s.WithRequestHeader(QueueGate.TokenHeader, unsigned);
            s.StatusCodeShouldBe(404);
        });
    }

    [Fact]
    public async Task a_signed_token_for_a_place_never_given_is_unknown()
    {
        var tokens = Host.Services.GetRequiredService<QueueTokens>();

        await Host.CheckShouldBeRefused(tokens.Sign(Guid.NewGuid(), 987_654_321), "TOKEN_EXPIRED");
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
