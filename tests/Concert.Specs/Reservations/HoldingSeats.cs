using Concert.Api.Idempotency;
using Alba;
using Concert.Api.Infrastructure;
using Concert.Api.Queue;
using Concert.Api.Reservations;
using Concert.Domain.Catalog;
using Concert.Domain.Reservations;
using Concert.Specs.Queue;
using Concert.Specs.Support;

namespace Concert.Specs.Reservations;

[Collection(ConcertAppCollection.Name)]
public sealed class HoldingSeats(ConcertApp app)
{
    private IAlbaHost Host => app.Host;

    [Fact]
    public async Task an_admitted_fan_holds_a_free_seat_for_five_minutes()
    {
        var concert = await Host.OpenConcertWithNights("2027-01-10T19:00:00");
        var fan = await Host.NewAdmittedFan();

        var result = await Host.Hold(fan, concert, 7, expectedStatus: 201);

        var reservation = await result.Read<ReservationView>();
        reservation.ReservationId.ShouldBeGreaterThanOrEqualTo(1);
        (reservation.UserId, reservation.ConcertId, reservation.ScheduleId, reservation.SeatNumber, reservation.Price)
            .ShouldBe((fan.UserId, concert.ConcertId, concert.Schedules[0].ScheduleId, 7, 110_000L));
        reservation.Status.ShouldBe(ReservationStatus.OnHold);
        reservation.HoldExpiresAt.ShouldBe(DateTimeOffset.UtcNow.AddMinutes(5), TimeSpan.FromSeconds(10));
        result.Context.Response.Headers[PlaceReservationEndpoint.HoldTtlHeader].ToString().ShouldBe("300");
        result.Context.Response.Headers[IdempotencyKeys.StatusHeader].ToString().ShouldBe("CREATED");
        (await result.ReadObject())["status"]!.GetValue<string>().ShouldBe("ON_HOLD");

        var map = await app.SeatMap(concert.ConcertId, concert.Schedules[0].ScheduleId);
        map.Seats[6].Status.ShouldBe(SeatStatus.TempReserved);
        (await app.Schedules(concert.ConcertId)).Items[0].AvailableCount.ShouldBe(49);
    }

    [Fact]
    public async Task a_second_fan_gets_409_for_a_held_seat()
    {
        var concert = await Host.OpenConcertWithNights("2027-01-11T19:00:00");
        await Host.Hold(await Host.NewAdmittedFan(), concert, 1, expectedStatus: 201);

        var result = await Host.Hold(await Host.NewAdmittedFan(), concert, 1, expectedStatus: 409);

        await result.ShouldBeProblem(409, "SEAT_ALREADY_TAKEN");
    }

    [Fact]
    public async Task of_200_fans_trying_one_seat_at_once_exactly_one_wins()
    {
        var concert = await Host.OpenConcertWithNights("2027-01-12T19:00:00");
        var fans = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Host.NewAdmittedFan()));

        var results = await Task.WhenAll(fans.Select(fan => Task.Run(() => Host.Hold(fan, concert, 25))));

        var statuses = results.Select(r => r.Context.Response.StatusCode).ToList();
        statuses.Count(s => s == 201).ShouldBe(1);
        statuses.Count(s => s == 409).ShouldBe(199);
        foreach (var refused in results.Where(r => r.Context.Response.StatusCode == 409))
        {
            await refused.ShouldBeProblem(409, "SEAT_ALREADY_TAKEN");
        }
    }

    [Fact]
    public async Task holds_on_all_50_seats_at_once_all_land_and_all_show()
    {
        var concert = await Host.OpenConcertWithNights("2027-01-13T19:00:00", "2027-01-14T19:00:00");
        var fans = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Host.NewAdmittedFan()));

        var results = await Task.WhenAll(fans.Select((fan, i) => Task.Run(() => Host.Hold(fan, concert, i + 1))));

        results.ShouldAllBe(r => r.Context.Response.StatusCode == 201);
        var map = await app.SeatMap(concert.ConcertId, concert.Schedules[0].ScheduleId);
        map.Seats.ShouldAllBe(seat => seat.Status == SeatStatus.TempReserved);
        var all = await app.Schedules(concert.ConcertId, "?onlyBookable=false");
        all.Items.Single(s => s.ScheduleId == concert.Schedules[0].ScheduleId).AvailableCount.ShouldBe(0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(51)]
    [InlineData(-1)]
    public async Task a_seat_outside_1_to_50_gets_400(int seatNumber)
    {
        var concert = await Host.OpenConcertWithNights("2027-01-15T19:00:00");

        var result = await Host.Hold(await Host.NewAdmittedFan(), concert, seatNumber, expectedStatus: 400);

        await result.ShouldBeProblem(400, "INVALID_SEAT");
    }

    [Fact]
    public async Task an_unknown_schedule_or_one_of_another_concert_gets_404()
    {
        var concert = await Host.OpenConcertWithNights("2027-01-16T19:00:00");
        var other = await Host.OpenConcertWithNights("2027-01-17T19:00:00");
        var fan = await Host.NewAdmittedFan();

        var unknown = await Host.Hold(fan, concert, 1, scheduleId: 987_654, expectedStatus: 404);
        var foreign = await Host.Hold(fan, concert, 1, scheduleId: other.Schedules[0].ScheduleId, expectedStatus: 404);

        await unknown.ShouldBeProblem(404, "SCHEDULE_NOT_FOUND");
        await foreign.ShouldBeProblem(404, "SCHEDULE_NOT_FOUND");
    }

    [Fact]
    public async Task a_hold_for_another_fan_gets_403()
    {
        var concert = await Host.OpenConcertWithNights("2027-01-18T19:00:00");

        var result = await Host.Hold(await Host.NewAdmittedFan(), concert, 1, forUser: Guid.NewGuid(), expectedStatus: 403);

        await result.ShouldBeProblem(403, "TOKEN_USER_MISMATCH");
    }

    [Theory]
    [MemberData(nameof(PassingTheGate.UserIdsThatAreNotText), MemberType = typeof(PassingTheGate))]
    public async Task a_user_id_that_is_not_text_gets_400_invalid_user(byte[] body)
    {
        var fan = await Host.NewAdmittedFan();

        var result = await Host.Scenario(s =>
        {
            s.Post.Url("/reservations");
            s.ConfigureHttpContext(context => context.Request.WriteRawJson(body));
            s.WithRequestHeader(QueueGate.TokenHeader, fan.Token);
            s.WithRequestHeader(IdempotencyKeys.KeyHeader, Guid.NewGuid().ToString());
            s.StatusCodeShouldBe(400);
        });

        await result.ShouldBeProblem(400, "INVALID_USER");
    }

    [Theory]
    [InlineData("""{"userId":"x","concertId":1,"scheduleId":1,"seatNumber":1}""", "INVALID_USER")]
    [InlineData("""{"userId":"a1b2c3d4-e5f6-7890-abcd-ef0123456789","concertId":1,"scheduleId":1}""", "INVALID_SEAT")]
    [InlineData("""{"userId":"a1b2c3d4-e5f6-7890-abcd-ef0123456789","scheduleId":1,"seatNumber":1}""", "INVALID_REQUEST")]
    [InlineData("""{"userId":"a1b2c3d4-e5f6-7890-abcd-ef0123456789","concertId":1,"scheduleId":1,"seatNumber":"one"}""", "MALFORMED_JSON")]
    [InlineData("""null""", "MALFORMED_JSON")]
    public async Task a_bad_body_gets_400(string body, string code)
    {
        var fan = await Host.NewAdmittedFan();

        var result = await Host.Scenario(s =>
        {
            s.Post.Text(body.Replace("a1b2c3d4-e5f6-7890-abcd-ef0123456789", fan.UserId.ToString())).ToUrl("/reservations");
            s.WithRequestHeader("Content-Type", "application/json");
            s.WithRequestHeader(QueueGate.TokenHeader, fan.Token);
            s.WithRequestHeader(IdempotencyKeys.KeyHeader, Guid.NewGuid().ToString());
            s.StatusCodeShouldBe(400);
        });

        await result.ShouldBeProblem(400, code);
    }

    [Fact]
    public async Task a_hold_without_a_token_gets_401()
    {
        var result = await Host.Scenario(s =>
        {
            s.Post.Json(new { userId = Guid.NewGuid(), concertId = 1, scheduleId = 1, seatNumber = 1 }).ToUrl("/reservations");
            s.WithRequestHeader(IdempotencyKeys.KeyHeader, "k-1");
            s.StatusCodeShouldBe(401);
        });

        await result.ShouldBeProblem(401, "TOKEN_EXPIRED");
    }

    [Fact]
    public async Task a_fan_reads_their_reservation_and_nobody_else_can()
    {
        var concert = await Host.OpenConcertWithNights("2027-01-19T19:00:00");
        var fan = await Host.NewAdmittedFan();
        var held = await (await Host.Hold(fan, concert, 3, expectedStatus: 201)).Read<ReservationView>();

        var own = await (await Host.GetReservation(fan, held.ReservationId.ToString(), 200)).Read<ReservationView>();
        var stranger = await Host.GetReservation(await Host.NewAdmittedFan(), held.ReservationId.ToString(), 404);
        var unknown = await Host.GetReservation(fan, "987654321", 404);
        var notAnId = await Host.GetReservation(fan, "abc", 404);

        own.ShouldBe(held);
        await stranger.ShouldBeProblem(404, "RESERVATION_NOT_FOUND");
        await unknown.ShouldBeProblem(404, "RESERVATION_NOT_FOUND");
        await notAnId.ShouldBeProblem(404, "NOT_FOUND");
    }
}
