using Alba;
using Concert.Client;
using Concert.Client.Models;
using Concert.Specs.Support;
using static Concert.Specs.Support.GeneratedClients;

namespace Concert.Specs.Platform;

/// <summary>
/// A client generated from /openapi/v1.json by Kiota, with no hand-written HTTP, goes the whole way: the document is
/// enough to use the service, keys and refusals included.
/// </summary>
[Collection(DocumentAppCollection.Name)]
public sealed class UsingTheGeneratedClient(ConcertApp app)
{
    private IAlbaHost Host => app.Host;

    [Fact]
    public async Task a_fan_goes_from_the_line_to_a_paid_seat_and_support_reads_it_back()
    {
        var operatorClient = Operator(Host);
        var concert = await operatorClient.Admin.Concerts.PostAsync(new CreateConcertRequest
        {
            Title = "Generated client night",
            Schedules = [new ScheduleRequest { StartAt = "2027-03-01T19:00:00" }],
        });
        var (concertId, scheduleId) = (concert!.ConcertId!.Value, concert.Schedules![0].ScheduleId!.Value);
        var userId = Guid.NewGuid();
        (await operatorClient.Admin.Users[userId].Grant.PatchAsync(new AmountRequest { Amount = 50_000 }))!.Balance.ShouldBe(50_000);

        var fan = await AdmittedThroughTheClient(userId);
        var schedules = await fan.Concerts[concertId].Schedules.GetAsync(query => query.QueryParameters.Size = 10);
        schedules!.Items!.Select(item => item.ScheduleId).ShouldBe([scheduleId]);
        var seats = await fan.Concerts[concertId].Schedules[scheduleId].Seats.GetAsync();
        seats!.Seats!.Single(seat => seat.Number == 40).Status.ShouldBe(SeatStatus.AVAILABLE);

        var hold = new PlaceReservationRequest { UserId = userId, ConcertId = concertId, ScheduleId = scheduleId, SeatNumber = 40 };
        var held = AnswerHeaders();
        var reservation = await fan.Reservations.PostAsync(hold, Keyed("hold-seat-40", held));
        reservation!.Status.ShouldBe(ReservationStatus.ON_HOLD);
        held.Header("X-Idempotency-Status").ShouldBe("CREATED");
        held.Header("X-Reservation-Hold-TTL").ShouldBe("300");
        var replayed = AnswerHeaders();
        (await fan.Reservations.PostAsync(hold, Keyed("hold-seat-40", replayed)))!.ReservationId.ShouldBe(reservation.ReservationId);
        replayed.Header("X-Idempotency-Status").ShouldBe("REPLAYED");
        (await fan.Reservations[reservation.ReservationId!.Value].GetAsync())!.Price.ShouldBe(60_000);

        var charged = await fan.Users[userId].Charge.PatchAsync(new AmountRequest { Amount = 20_000 }, Keyed("top-up-1", AnswerHeaders()));
        charged!.Balance.ShouldBe(70_000);
        var receipt = await fan.Payments.PostAsync(new PaymentRequest { ReservationId = reservation.ReservationId, Amount = 60_000 },
            Keyed("pay-seat-40", AnswerHeaders()));
        receipt!.BalanceAfter.ShouldBe(10_000);
        receipt.QueueTokenExpired.ShouldBe(true);

        var expired = await Should.ThrowAsync<Problem>(() => fan.Users[userId].Amount.GetAsync());
        (expired.ResponseStatusCode, expired.Code).ShouldBe((401, "TOKEN_EXPIRED"));
        var back = await AdmittedThroughTheClient(userId);
        var paid = await back.Reservations[reservation.ReservationId.Value].GetAsync();
        (paid!.Status, paid.PaymentId).ShouldBe((ReservationStatus.CONFIRMED, receipt.PaymentId));

        var history = await operatorClient.Admin.Support.Reservations[reservation.ReservationId.Value].History.GetAsync();
        history!.Events!.Select(e => e.Type).ShouldBe(["ReservationPlaced", "PaymentConfirmed"]);
        history.Events![0].IdempotencyKey.ShouldBe("hold-seat-40");
    }

    [Fact]
    public async Task a_refusal_reaches_the_client_as_a_typed_problem_with_its_code()
    {
        var concert = await Operator(Host).Admin.Concerts.PostAsync(new CreateConcertRequest
        {
            Title = "Refusals", Schedules = [new ScheduleRequest { StartAt = "2027-03-02T19:00:00" }],
        });
        var (concertId, scheduleId) = (concert!.ConcertId!.Value, concert.Schedules![0].ScheduleId!.Value);
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        await (await AdmittedThroughTheClient(first)).Reservations.PostAsync(
            new PlaceReservationRequest { UserId = first, ConcertId = concertId, ScheduleId = scheduleId, SeatNumber = 1 },
            Keyed("first", AnswerHeaders()));
        var late = await AdmittedThroughTheClient(second);

        var taken = await Should.ThrowAsync<Problem>(() => late.Reservations.PostAsync(
            new PlaceReservationRequest { UserId = second, ConcertId = concertId, ScheduleId = scheduleId, SeatNumber = 1 },
            Keyed("second", AnswerHeaders())));
        var unkeyed = await Should.ThrowAsync<Problem>(() => late.Users[second].Charge.PatchAsync(new AmountRequest { Amount = 1_000 }));

        (taken.ResponseStatusCode, taken.Code).ShouldBe((409, "SEAT_ALREADY_TAKEN"));
        (unkeyed.ResponseStatusCode, unkeyed.Code).ShouldBe((400, "IDEMPOTENCY_KEY_REQUIRED"));
    }

    /// <summary>Takes a place and follows the line with GET /waiting/check until admitted (admission runs on its own).</summary>
    private async Task<ConcertClient> AdmittedThroughTheClient(Guid userId)
    {
        var issued = await Anyone(Host).Waiting.Issue.PostAsync(new IssueTokenRequest { UserId = userId });
        var fan = Fan(Host, issued!.Token!);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((await fan.Waiting.Check.GetAsync())!.Active != true)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"fan {userId} was never admitted");
            await Task.Delay(20);
        }

        return fan;
    }
}
