using Alba;
using Concert.Api.Reservations;
using Concert.Domain.Catalog;
using Concert.Domain.Reservations;
using Concert.Specs.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Concert.Specs.Reservations;

[Collection(HoldsAppCollection.Name)]
public sealed class ExpiringHolds(HoldsApp app)
{
    [Fact]
    public async Task a_lapsed_hold_reads_expired_at_once_and_its_seat_is_free_again()
    {
        var concert = await app.Host.OpenConcertWithNights("2027-03-01T19:00:00");
        var fan = await app.Host.NewAdmittedFan();
        var held = await (await app.Host.Hold(fan, concert, 5, expectedStatus: 201)).Read<ReservationView>();

        await Task.Delay(HoldsApp.HoldDuration);

        var read = await (await app.Host.GetReservation(fan, held.ReservationId.ToString(), 200)).Read<ReservationView>();
        read.Status.ShouldBe(ReservationStatus.Expired);
        await app.Host.Hold(await app.Host.NewAdmittedFan(), concert, 5, expectedStatus: 201);
    }

    [Fact]
    public async Task the_expiry_job_records_the_lapse_once_and_frees_the_seat()
    {
        var concert = await app.Host.OpenConcertWithNights("2027-03-02T19:00:00");
        var held = await (await app.Host.Hold(await app.Host.NewAdmittedFan(), concert, 6, expectedStatus: 201)).Read<ReservationView>();

        var events = await RecordedExpiry(app.Host, held);

        events.OfType<ReservationExpired>().ShouldHaveSingleItem();
        await using var session = app.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var seat = await session.LoadAsync<Seat>(Seat.StreamKey(held.ScheduleId, 6));
        (seat!.Status, seat.ReservationId).ShouldBe((SeatStatus.Available, (long?)null));
        var seatEvents = await session.Events.FetchStreamAsync(Seat.StreamKey(held.ScheduleId, 6));
        seatEvents.Select(e => e.Data).OfType<HoldExpired>().ShouldHaveSingleItem();
    }

    [Fact]
    public async Task a_hold_still_expires_after_the_service_restarts()
    {
        var concert = await app.Host.OpenConcertWithNights("2027-03-03T19:00:00");
        var held = await (await app.Host.Hold(await app.Host.NewAdmittedFan(), concert, 7, expectedStatus: 201)).Read<ReservationView>();

        await app.RestartAsync();

        (await RecordedExpiry(app.Host, held)).OfType<ReservationExpired>().ShouldHaveSingleItem();
    }

    [Fact]
    public async Task with_two_nodes_on_one_database_a_hold_expires_once()
    {
        await using var secondNode = await app.StartHostAsync();
        var concert = await app.Host.OpenConcertWithNights("2027-03-04T19:00:00");
        var fans = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => app.Host.NewAdmittedFan()));
        var holds = await Task.WhenAll(fans.Select((fan, i) =>
            (i % 2 == 0 ? app.Host : secondNode).Hold(fan, concert, i + 1, expectedStatus: 201)));

        foreach (var held in holds)
        {
            (await RecordedExpiry(app.Host, await held.Read<ReservationView>())).OfType<ReservationExpired>().ShouldHaveSingleItem();
        }
    }

    /// <summary>Waits (a few seconds at most) for the expiry job to record the lapse; the reservation's events.</summary>
    private static async Task<IReadOnlyList<object>> RecordedExpiry(IAlbaHost host, ReservationView held)
    {
        var store = host.Services.GetRequiredService<IDocumentStore>();
        for (var waited = TimeSpan.Zero; waited < TimeSpan.FromSeconds(20); waited += TimeSpan.FromMilliseconds(200))
        {
            await using var session = store.QuerySession();
            var reservation = await session.LoadAsync<Reservation>(Reservation.StreamKey(held.ReservationId));
            if (reservation!.Status == ReservationStatus.Expired)
            {
                await Task.Delay(1000); // and no second expiry follows
                return (await session.Events.FetchStreamAsync(Reservation.StreamKey(held.ReservationId))).Select(e => e.Data).ToList();
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"reservation {held.ReservationId} was never recorded as expired");
    }
}
