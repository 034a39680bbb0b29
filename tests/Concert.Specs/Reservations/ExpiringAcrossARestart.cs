using Concert.Api.Reservations;
using Concert.Domain.Reservations;
using Concert.Specs.Support;

namespace Concert.Specs.Reservations;

/// <summary>The durable scheduler itself, on the real clock: the one scenario that waits real seconds.</summary>
[Collection(RealTimeHoldsAppCollection.Name)]
public sealed class ExpiringAcrossARestart(RealTimeHoldsApp app)
{
    [Fact]
    public async Task a_hold_still_expires_after_the_service_restarts()
    {
        var concert = await app.Host.OpenConcertWithNights("2027-03-03T19:00:00");
        var held = await (await app.Host.Hold(await app.Host.NewAdmittedFan(), concert, 7, expectedStatus: 201)).Read<ReservationView>();

        await app.RestartAsync();

        for (var waited = TimeSpan.Zero; ; waited += TimeSpan.FromMilliseconds(200))
        {
            var events = await app.Host.EventsOf(Reservation.StreamKey(held.ReservationId));
            if (events.OfType<ReservationExpired>().Any())
            {
                events.OfType<ReservationExpired>().ShouldHaveSingleItem();
                return;
            }

            if (waited > TimeSpan.FromSeconds(20)) throw new TimeoutException($"reservation {held.ReservationId} never expired");
            await Task.Delay(200);
        }
    }
}
