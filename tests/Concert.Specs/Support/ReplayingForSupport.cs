using Alba;
using Concert.Api.Reservations;
using Concert.Api.Support;
using Concert.Api.Wallet;
using Concert.Domain.Catalog;
using Concert.Specs.Support;

namespace Concert.Specs.Support;

[Collection(ConcertAppCollection.Name)]
public sealed class ReplayingForSupport(ConcertApp app)
{
    private IAlbaHost Host => app.Host;

    [Fact]
    public async Task a_paid_reservation_replays_in_order_with_the_keys_that_caused_it()
    {
        var concert = await Host.OpenConcertWithNights("2027-08-01T19:00:00");
        var fan = await Host.NewAdmittedFan();
        await Host.Charge(fan, 100_000, key: "top-up-1");
        var held = await (await Host.Hold(fan, concert, 12, key: "hold-12", expectedStatus: 201)).Read<ReservationView>();
        await Host.Pay(fan, held.ReservationId, 80_000, key: "pay-12");

        var reservation = await Host.AdminGet<History>($"/admin/support/reservations/{held.ReservationId}/history");
        var seat = await Host.AdminGet<History>($"/admin/support/schedules/{held.ScheduleId}/seats/12/history");
        var wallet = await Host.AdminGet<History>($"/admin/support/users/{fan.UserId}/wallet/history");
        var token = await Host.AdminGet<History>($"/admin/support/tokens/{fan.Token}/history");

        reservation.Events.Select(e => (e.Type, e.Version, e.IdempotencyKey))
            .ShouldBe([("ReservationPlaced", 1L, "hold-12"), ("PaymentConfirmed", 2L, "pay-12")]);
        reservation.Events.ShouldAllBe(e => e.Stream == $"reservation-{held.ReservationId}" && e.CorrelationId != null);
        reservation.Events[1].Sequence.ShouldBeGreaterThan(reservation.Events[0].Sequence);
        seat.Events.Select(e => e.Type).ShouldBe(["SeatOpened", "SeatHeld", "SeatSold"]);
        wallet.Events.Select(e => (e.Type, e.IdempotencyKey)).ShouldBe([("WalletCharged", "top-up-1"), ("WalletDebited", "pay-12")]);
        token.Events.Select(e => e.Type).ShouldBe(["TokenIssued", "TokenAdmitted", "TokenExpired"]);
        var raw = await Host.Scenario(s =>
        {
            s.Get.Url($"/admin/support/reservations/{held.ReservationId}/history");
            s.WithRequestHeader(Api.Infrastructure.AdminKey.Header, SpecApp.AdminKey);
        });
        (await raw.ReadAsTextAsync()).ShouldContain("\"seatNumber\":12");
    }

    [Fact]
    public async Task the_seat_map_and_a_balance_travel_back_to_any_instant()
    {
        var concert = await Host.OpenConcertWithNights("2027-08-02T19:00:00");
        var scheduleId = concert.Schedules[0].ScheduleId;
        var fan = await Host.NewAdmittedFan();
        await Host.Charge(fan, 70_000);
        var beforeHold = await Instant();
        var held = await (await Host.Hold(fan, concert, 33, expectedStatus: 201)).Read<ReservationView>();
        var beforePayment = await Instant();
        await Host.Pay(fan, held.ReservationId, 60_000);

        (await SeatAt(scheduleId, 33, beforeHold)).ShouldBe(SeatStatus.Available);
        (await SeatAt(scheduleId, 33, beforePayment)).ShouldBe(SeatStatus.TempReserved);
        (await SeatAt(scheduleId, 33, null)).ShouldBe(SeatStatus.Reserved);
        (await Host.AdminGet<BalanceAt>($"/admin/support/users/{fan.UserId}/balance?at={Query(beforePayment)}")).Balance.ShouldBe(70_000);
        (await Host.AdminGet<BalanceAt>($"/admin/support/users/{fan.UserId}/balance")).Balance.ShouldBe(10_000);
        (await Host.AdminGet<BalanceAt>($"/admin/support/users/{fan.UserId}/balance?at=2020-01-01T00:00:00Z")).Balance.ShouldBe(0);
    }

    [Fact]
    public async Task support_questions_about_nothing_get_404_and_bad_ones_400()
    {
        await (await Host.AdminGetRefused("/admin/support/reservations/999999999/history", 404)).ShouldBeProblem(404, "RESERVATION_NOT_FOUND");
        await (await Host.AdminGetRefused("/admin/support/schedules/999999999/seats/1/history", 404)).ShouldBeProblem(404, "SEAT_NOT_FOUND");
        await (await Host.AdminGetRefused("/admin/support/tokens/not-a-token/history", 404)).ShouldBeProblem(404, "TOKEN_NOT_FOUND");
        await (await Host.AdminGetRefused("/admin/support/schedules/999999999/seats", 404)).ShouldBeProblem(404, "SCHEDULE_NOT_FOUND");
        await (await Host.AdminGetRefused("/admin/support/users/not-a-user/wallet/history", 400)).ShouldBeProblem(400, "INVALID_USER");
        await (await Host.AdminGetRefused($"/admin/support/users/{Guid.NewGuid()}/balance?at=2026-11-27T09:00:00", 400)).ShouldBeProblem(400, "INVALID_REQUEST");
    }

    private async Task<SeatStatus> SeatAt(long scheduleId, int number, DateTimeOffset? at)
    {
        var map = await Host.AdminGet<SeatMapAt>($"/admin/support/schedules/{scheduleId}/seats{(at is { } instant ? $"?at={Query(instant)}" : "")}");
        map.Seats.Count.ShouldBe(50);
        return map.Seats.Single(seat => seat.Number == number).Status;
    }

    /// <summary>An instant strictly between two writes: event timestamps come from the database's clock.</summary>
    private static async Task<DateTimeOffset> Instant()
    {
        await Task.Delay(20);
        var instant = DateTimeOffset.UtcNow;
        await Task.Delay(20);
        return instant;
    }

    private static string Query(DateTimeOffset instant) => Uri.EscapeDataString(instant.ToString("O"));
}
