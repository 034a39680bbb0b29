using Concert.Api.Idempotency;
using Alba;
using Concert.Api.Infrastructure;
using Concert.Api.Queue;
using Concert.Api.Reservations;
using Concert.Domain.Reservations;
using Concert.Specs.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Concert.Specs.Reservations;

[Collection(ConcertAppCollection.Name)]
public sealed class IdempotentHolds(ConcertApp app)
{
    private IAlbaHost Host => app.Host;

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("an-idempotency-key-that-is-longer-than-sixty-four-characters-in-all")]
    [InlineData("tab\tinside")]
    [InlineData("한글")]
    public async Task a_missing_or_malformed_key_gets_400(string? key)
    {
        var fan = await Host.NewAdmittedFan();

        var result = await Host.Scenario(s =>
        {
            s.Post.Json(new { userId = fan.UserId, concertId = 1, scheduleId = 1, seatNumber = 1 }).ToUrl("/reservations");
            s.WithRequestHeader(QueueGate.TokenHeader, fan.Token);
            if (key is not null) s.WithRequestHeader(IdempotencyKeys.KeyHeader, key);
            s.StatusCodeShouldBe(400);
        });

        await result.ShouldBeProblem(400, "IDEMPOTENCY_KEY_REQUIRED");
    }

    [Fact]
    public async Task a_replay_returns_the_first_answer_and_changes_nothing()
    {
        var concert = await Host.OpenConcertWithNights("2027-02-01T19:00:00");
        var fan = await Host.NewAdmittedFan();
        var first = await Host.Hold(fan, concert, 9, key: "hold-9", expectedStatus: 201);

        var replay = await Host.Hold(fan, concert, 9, key: "hold-9", expectedStatus: 201);

        replay.Context.Response.Headers[IdempotencyKeys.StatusHeader].ToString().ShouldBe("REPLAYED");
        replay.Context.Response.Headers[PlaceReservationEndpoint.HoldTtlHeader].ToString().ShouldBe("300");
        (await replay.Read<ReservationView>()).ShouldBe(await first.Read<ReservationView>());
        await using var session = Host.DocumentStore().QuerySession();
        (await session.Query<Reservation>().CountAsync(r => r.ScheduleId == concert.Schedules[0].ScheduleId))
            .ShouldBe(1);
    }

    [Fact]
    public async Task a_refusal_is_replayed_too()
    {
        var concert = await Host.OpenConcertWithNights("2027-02-02T19:00:00");
        await Host.Hold(await Host.NewAdmittedFan(), concert, 9, expectedStatus: 201);
        var fan = await Host.NewAdmittedFan();
        await Host.Hold(fan, concert, 9, key: "late", expectedStatus: 409);

        var replay = await Host.Hold(fan, concert, 9, key: "late", expectedStatus: 409);

        replay.Context.Response.Headers[IdempotencyKeys.StatusHeader].ToString().ShouldBe("REPLAYED");
        await replay.ShouldBeProblem(409, "SEAT_ALREADY_TAKEN");
    }

    [Fact]
    public async Task the_same_key_with_another_body_gets_422()
    {
        var concert = await Host.OpenConcertWithNights("2027-02-03T19:00:00");
        var fan = await Host.NewAdmittedFan();
        await Host.Hold(fan, concert, 10, key: "mine", expectedStatus: 201);

        var result = await Host.Hold(fan, concert, 11, key: "mine", expectedStatus: 422);

        await result.ShouldBeProblem(422, "IDEMPOTENCY_KEY_REUSED");
        (await app.SeatMap(concert.ConcertId, concert.Schedules[0].ScheduleId)).Seats[10].Status
            .ShouldBe(Concert.Domain.Catalog.SeatStatus.Available);
    }

    [Fact]
    public async Task keys_belong_to_their_fan()
    {
        var concert = await Host.OpenConcertWithNights("2027-02-04T19:00:00");
        await Host.Hold(await Host.NewAdmittedFan(), concert, 12, key: "shared", expectedStatus: 201);

        var result = await Host.Hold(await Host.NewAdmittedFan(), concert, 13, key: "shared", expectedStatus: 201);

        result.Context.Response.Headers[IdempotencyKeys.StatusHeader].ToString().ShouldBe("CREATED");
    }

    [Fact]
    public async Task concurrent_duplicates_make_one_hold_and_are_told_so()
    {
        var concert = await Host.OpenConcertWithNights("2027-02-05T19:00:00");
        var fan = await Host.NewAdmittedFan();

        var results = await Task.WhenAll(Enumerable.Range(0, 10)
            .Select(_ => Task.Run(() => Host.Hold(fan, concert, 14, key: "double-click"))));

        results.Count(r => r.Context.Response.Headers[IdempotencyKeys.StatusHeader] == "CREATED").ShouldBe(1);
        foreach (var other in results.Where(r => r.Context.Response.Headers[IdempotencyKeys.StatusHeader] != "CREATED"))
        {
            if (other.Context.Response.StatusCode == 409) await other.ShouldBeProblem(409, "IDEMPOTENCY_KEY_IN_FLIGHT");
            else other.Context.Response.StatusCode.ShouldBe(201);
        }

        await using var session = Host.DocumentStore().QuerySession();
        (await session.Query<Reservation>().CountAsync(r => r.ScheduleId == concert.Schedules[0].ScheduleId))
            .ShouldBe(1);
    }

    [Fact]
    public async Task a_request_while_its_key_is_still_running_gets_409_in_flight()
    {
        var concert = await Host.OpenConcertWithNights("2027-02-07T19:00:00");
        var fan = await Host.NewAdmittedFan();
        var locks = Host.Services.GetRequiredService<IdempotencyLocks>();
        var (_, running, _) = await locks.TryTakeAsync(fan.Token, "|POST /reservations|slow", Host.DocumentStore(), default);

        await using (running)
        {
            var result = await Host.Hold(fan, concert, 16, key: "slow", expectedStatus: 409);
            await result.ShouldBeProblem(409, "IDEMPOTENCY_KEY_IN_FLIGHT");
        }

        (await Host.Hold(fan, concert, 16, key: "slow", expectedStatus: 201))
            .Context.Response.Headers[IdempotencyKeys.StatusHeader].ToString().ShouldBe("CREATED");
    }

    [Fact]
    public async Task a_key_refused_by_the_gate_stays_free()
    {
        var concert = await Host.OpenConcertWithNights("2027-02-06T19:00:00");
        var fan = await Host.NewAdmittedFan();
        await Host.Hold(fan, concert, 15, key: "first-try", forUser: Guid.NewGuid(), expectedStatus: 403);

        var result = await Host.Hold(fan, concert, 15, key: "first-try", expectedStatus: 201);

        result.Context.Response.Headers[IdempotencyKeys.StatusHeader].ToString().ShouldBe("CREATED");
    }

    [Fact]
    public async Task a_success_frees_its_key_after_its_answer_and_a_retry_while_it_is_held_is_replayed()
    {
        var concert = await Host.OpenConcertWithNights("2027-02-08T19:00:00");
        var fan = await Host.NewAdmittedFan();
        await Host.Hold(fan, concert, 17, key: "answered", expectedStatus: 201);

        await using (var running = (await FreedKeyAsync(fan, "|POST /reservations|answered")).ShouldNotBeNull())
        {
            var retry = await Host.Hold(fan, concert, 17, key: "answered", expectedStatus: 201);
            retry.Context.Response.Headers[IdempotencyKeys.StatusHeader].ToString().ShouldBe("REPLAYED");
        }
    }

    /// <summary>The fan's key, taken as a request would once its holder frees it; null if not freed within two seconds.</summary>
    private async Task<IdempotencyLocks.HeldKey?> FreedKeyAsync(Fan fan, string routeAndKey)
    {
        var locks = Host.Services.GetRequiredService<IdempotencyLocks>();
        var deadline = DateTime.UtcNow.AddSeconds(2);
        while (DateTime.UtcNow < deadline)
        {
            var (_, running, _) = await locks.TryTakeAsync(fan.Token, routeAndKey, Host.DocumentStore(), default);
            if (running is not null) return running;
            await Task.Delay(20);
        }

        return null;
    }
}
