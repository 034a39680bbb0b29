using Concert.Api.Idempotency;
using Alba;
using Concert.Api.Reservations;
using Concert.Domain.Catalog;
using Concert.Domain.Reservations;
using Concert.Specs.Support;

namespace Concert.Specs.Reservations;

/// <summary>A fan lets a hold go: the seat is back on sale at once, and nothing else of theirs changes.</summary>
[Collection(ConcertAppCollection.Name)]
public sealed class ReleasingHolds(ConcertApp app)
{
    private IAlbaHost Host => app.Host;

    [Fact]
    public async Task a_released_hold_frees_the_seat_at_once_and_its_expiry_later_changes_nothing()
    {
        var concert = await Host.OpenConcertWithNights("2027-06-01T19:00:00");
        var (fan, other) = (await Host.NewAdmittedFan(), await Host.NewAdmittedFan());
        var held = await (await Host.Hold(fan, concert, 7, expectedStatus: 201)).Read<ReservationView>();

        var result = await Host.Release(fan, held.ReservationId);

        var released = await result.Read<ReservationView>();
        (released.ReservationId, released.Status).ShouldBe((held.ReservationId, ReservationStatus.Released));
        result.Context.Response.Headers[IdempotencyKeys.StatusHeader].ToString().ShouldBe("CREATED");
        (await app.SeatMap(concert.ConcertId, held.ScheduleId)).Seats[6].Status.ShouldBe(SeatStatus.Available);
        await Host.Hold(other, concert, 7, expectedStatus: 201);
        await Host.RecordExpiry(held.ReservationId);
        (await Host.EventsOf(Reservation.StreamKey(held.ReservationId))).Select(e => e.GetType()).ShouldBe(
            [typeof(ReservationPlaced), typeof(ReservationReleased)]);
        (await (await Host.GetReservation(fan, held.ReservationId.ToString(), 200)).Read<ReservationView>()).Status
            .ShouldBe(ReservationStatus.Released);
    }

    [Fact]
    public async Task only_the_fans_own_hold_is_released_a_paid_one_is_refused_and_a_second_release_changes_nothing()
    {
        var concert = await Host.OpenConcertWithNights("2027-06-02T19:00:00");
        var (fan, other) = (await Host.NewAdmittedFan(), await Host.NewAdmittedFan());
        await Host.Grant(fan.UserId, 200_000);
        var held = await (await Host.Hold(fan, concert, 40, expectedStatus: 201)).Read<ReservationView>();
        var toPay = await (await Host.Hold(fan, concert, 41, expectedStatus: 201)).Read<ReservationView>();

        await (await Host.Release(other, held.ReservationId, expectedStatus: 404)).ShouldBeProblem(404, "RESERVATION_NOT_FOUND");
        await (await Host.Release(fan, 999_999_999, expectedStatus: 404)).ShouldBeProblem(404, "RESERVATION_NOT_FOUND");
        await Host.Release(fan, held.ReservationId, key: "let-40-go");
        var again = await Host.Release(fan, held.ReservationId);
        var replayed = await Host.Release(fan, held.ReservationId, key: "let-40-go");
        await Host.Pay(fan, toPay.ReservationId, toPay.Price);
        var back = await Host.Readmitted(fan);

        (await again.Read<ReservationView>()).Status.ShouldBe(ReservationStatus.Released);
        replayed.Context.Response.Headers[IdempotencyKeys.StatusHeader].ToString().ShouldBe("REPLAYED");
        (await Host.EventsOf(Reservation.StreamKey(held.ReservationId))).OfType<ReservationReleased>().Count().ShouldBe(1);
        await (await Host.Release(back, toPay.ReservationId, expectedStatus: 409)).ShouldBeProblem(409, "ALREADY_CONFIRMED");
    }

    [Fact]
    public async Task one_key_on_two_reservations_releases_both()
    {
        var concert = await Host.OpenConcertWithNights("2027-06-04T19:00:00");
        var fan = await Host.NewAdmittedFan();
        var first = await (await Host.Hold(fan, concert, 11, expectedStatus: 201)).Read<ReservationView>();
        var second = await (await Host.Hold(fan, concert, 12, expectedStatus: 201)).Read<ReservationView>();

        var one = await (await Host.Release(fan, first.ReservationId, key: "let-go")).Read<ReservationView>();
        var other = await (await Host.Release(fan, second.ReservationId, key: "let-go")).Read<ReservationView>();

        (one.ReservationId, other.ReservationId).ShouldBe((first.ReservationId, second.ReservationId));
        other.Status.ShouldBe(ReservationStatus.Released);
        (await app.SeatMap(concert.ConcertId, first.ScheduleId)).Seats[11].Status.ShouldBe(SeatStatus.Available);
    }

    [Fact]
    public async Task a_release_and_a_payment_of_one_hold_at_once_settle_to_one_outcome()
    {
        var concert = await Host.OpenConcertWithNights("2027-06-03T19:00:00");
        for (var seat = 1; seat <= 10; seat++)
        {
            var fan = await Host.NewAdmittedFan();
            await Host.Grant(fan.UserId, 200_000);
            var held = await (await Host.Hold(fan, concert, seat, expectedStatus: 201)).Read<ReservationView>();

            var release = Host.Release(fan, held.ReservationId, expectedStatus: null);
            var payment = Host.Pay(fan, held.ReservationId, held.Price, expectedStatus: null);
            var (released, paid) = (await release, await payment);

            // A payment that commits before the release reaches the gate has ended the fan's token: 401 for the release.
            var outcome = (released.Context.Response.StatusCode, paid.Context.Response.StatusCode);
            outcome.ShouldBeOneOf((200, 404), (409, 201), (401, 201));
            var wasPaid = paid.Context.Response.StatusCode == 201;
            var seatNow = (await app.SeatMap(concert.ConcertId, held.ScheduleId)).Seats[seat - 1].Status;
            seatNow.ShouldBe(wasPaid ? SeatStatus.Reserved : SeatStatus.Available);
            var readmitted = await Host.Readmitted(fan);
            (await Host.Balance(readmitted)).ShouldBe(wasPaid ? 200_000 - held.Price : 200_000);
        }
    }
}
