using Alba;
using Concert.Api.Reservations;
using Concert.Domain.Catalog;
using Concert.Domain.Reservations;
using Concert.Specs.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Concert.Specs.Reservations;

[Collection(HoldsAppCollection.Name)]
public sealed class ExpiringHolds(HoldsApp app)
{
    private IAlbaHost Host => app.Host;

    [Fact]
    public async Task a_lapsed_hold_reads_expired_at_once_and_its_seat_is_free_again()
    {
        var concert = await Host.OpenConcertWithNights("2027-03-01T19:00:00");
        var fan = await Host.NewAdmittedFan();
        var held = await (await Host.Hold(fan, concert, 5, expectedStatus: 201)).Read<ReservationView>();

        app.LetHoldsLapse();

        var read = await (await Host.GetReservation(fan, held.ReservationId.ToString(), 200)).Read<ReservationView>();
        read.Status.ShouldBe(ReservationStatus.Expired);
        await Host.Hold(await Host.NewAdmittedFan(), concert, 5, expectedStatus: 201);
    }

    [Fact]
    public async Task an_expiry_delivered_before_its_time_changes_nothing()
    {
        var concert = await Host.OpenConcertWithNights("2027-03-05T19:00:00");
        var held = await (await Host.Hold(await Host.NewAdmittedFan(), concert, 8, expectedStatus: 201)).Read<ReservationView>();

        await Host.RecordExpiry(held.ReservationId);

        (await Host.EventsOf(Reservation.StreamKey(held.ReservationId))).OfType<ReservationExpired>().ShouldBeEmpty();
    }

    [Fact]
    public async Task the_expiry_records_the_lapse_once_and_frees_the_seat()
    {
        var concert = await Host.OpenConcertWithNights("2027-03-02T19:00:00");
        var held = await (await Host.Hold(await Host.NewAdmittedFan(), concert, 6, expectedStatus: 201)).Read<ReservationView>();
        app.LetHoldsLapse();

        await Host.RecordExpiry(held.ReservationId);
        await Host.RecordExpiry(held.ReservationId); // delivered twice, as a retry after a crash would

        (await Host.EventsOf(Reservation.StreamKey(held.ReservationId))).OfType<ReservationExpired>().ShouldHaveSingleItem();
        await using var session = Host.DocumentStore().QuerySession();
        var seat = await session.LoadAsync<Seat>(Seat.StreamKey(held.ScheduleId, 6));
        (seat!.Status, seat.ReservationId).ShouldBe((SeatStatus.Available, (long?)null));
        (await Host.EventsOf(Seat.StreamKey(held.ScheduleId, 6))).OfType<HoldExpired>().ShouldHaveSingleItem();
    }

    [Fact]
    public async Task a_hold_whose_scheduled_expiry_was_lost_is_expired_by_the_sweep_once_overdue()
    {
        var concert = await Host.OpenConcertWithNights("2027-03-07T19:00:00");
        var lost = await (await Host.Hold(await Host.NewAdmittedFan(), concert, 9, expectedStatus: 201)).Read<ReservationView>();
        var payer = await Host.NewAdmittedFan();
        await Host.Grant(payer.UserId, 1_000_000);
        var paid = await (await Host.Hold(payer, concert, 10, expectedStatus: 201)).Read<ReservationView>();
        await Host.Pay(payer, paid.ReservationId, paid.Price);
        // Every scheduled expiry of this fixture lost (its other scenarios run their expiries themselves).
        await app.ExecuteAsync("delete from concert.wolverine_incoming_envelopes where message_type like '%ExpireHold%'");
        var sweep = Host.Services.GetServices<IHostedService>().OfType<OverdueHoldSweep>().Single();
        var options = Host.Services.GetRequiredService<HoldOptions>();

        app.LetHoldsLapse();
        await sweep.SweepAsync(CancellationToken.None);
        var notYetOverdue = await Host.EventsOf(Reservation.StreamKey(lost.ReservationId));
        app.Clock.Advance(options.SweepAfter + TimeSpan.FromSeconds(1));
        await sweep.SweepAsync(CancellationToken.None);

        notYetOverdue.OfType<ReservationExpired>().ShouldBeEmpty();
        (await Host.EventsOf(Reservation.StreamKey(lost.ReservationId))).OfType<ReservationExpired>().ShouldHaveSingleItem();
        (await Host.EventsOf(Seat.StreamKey(lost.ScheduleId, 9))).OfType<HoldExpired>().ShouldHaveSingleItem();
        (await Host.EventsOf(Reservation.StreamKey(paid.ReservationId))).OfType<ReservationExpired>().ShouldBeEmpty();
    }

    [Fact]
    public async Task two_nodes_delivering_the_same_expiry_at_once_record_it_once()
    {
        await using var secondNode = await app.StartHostAsync();
        var concert = await Host.OpenConcertWithNights("2027-03-04T19:00:00");
        var fans = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Host.NewAdmittedFan()));
        var holds = await Task.WhenAll(fans.Select(async (fan, i) =>
            await (await (i % 2 == 0 ? Host : secondNode).Hold(fan, concert, i + 1, expectedStatus: 201)).Read<ReservationView>()));
        app.LetHoldsLapse();

        await Task.WhenAll(holds.SelectMany(held => new[] { Host, secondNode }.Select(node => Task.Run(() => node.RecordExpiry(held.ReservationId)))));

        foreach (var held in holds)
        {
            (await Host.EventsOf(Reservation.StreamKey(held.ReservationId))).OfType<ReservationExpired>().ShouldHaveSingleItem();
            (await Host.EventsOf(Seat.StreamKey(held.ScheduleId, held.SeatNumber))).OfType<HoldExpired>().ShouldHaveSingleItem();
        }
    }
}
