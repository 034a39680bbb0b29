using Alba;
using Concert.Api.Payments;
using Concert.Api.Reservations;
using Concert.Domain.Catalog;
using Concert.Domain.Reservations;
using Concert.Domain.Wallet;
using Concert.Specs.Support;

namespace Concert.Specs.Payments;

/// <summary>A paid ticket goes back: the money into the wallet, the seat on sale, once.</summary>
[Collection(ConcertAppCollection.Name)]
public sealed class RefundingTickets(ConcertApp app)
{
    private IAlbaHost Host => app.Host;

    private static readonly TimeZoneInfo Venue = TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");

    [Fact]
    public async Task a_refunded_ticket_credits_the_wallet_and_puts_the_seat_back_on_sale()
    {
        var concert = await Host.OpenConcertWithNights("2027-07-01T19:00:00");
        var (fan, other) = await PaidTicket(concert, 20);

        var result = await Host.Refund(fan.Fan, fan.Held.ReservationId);

        var receipt = await result.Read<RefundReceipt>();
        (receipt.Amount, receipt.BalanceAfter, receipt.SeatStatus).ShouldBe((80_000L, 200_000L, SeatStatus.Available));
        (await (await Host.GetReservation(fan.Fan, fan.Held.ReservationId.ToString(), 200)).Read<ReservationView>()).Status
            .ShouldBe(ReservationStatus.Refunded);
        (await app.SeatMap(concert.ConcertId, fan.Held.ScheduleId)).Seats[19].Status.ShouldBe(SeatStatus.Available);
        (await Host.Balance(fan.Fan)).ShouldBe(200_000);
        (await Host.EventsOf(FanWallet.StreamKey(fan.Fan.UserId))).OfType<WalletRefunded>().Single().Amount.ShouldBe(80_000);
        await Host.Hold(other, concert, 20, expectedStatus: 201);
    }

    [Fact]
    public async Task refunds_close_a_cutoff_before_the_show()
    {
        var soon = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddHours(2), Venue).ToString("yyyy-MM-ddTHH:mm:ss");
        var concert = await Host.OpenConcertWithNights(soon);
        var (fan, _) = await PaidTicket(concert, 5);

        await (await Host.Refund(fan.Fan, fan.Held.ReservationId, expectedStatus: 409)).ShouldBeProblem(409, "REFUND_CLOSED");
        (await Host.Balance(fan.Fan)).ShouldBe(200_000 - fan.Held.Price);
    }

    [Fact]
    public async Task only_the_fans_own_paid_ticket_is_refunded_and_only_once_however_many_ask_at_once()
    {
        var concert = await Host.OpenConcertWithNights("2027-07-02T19:00:00");
        var (fan, other) = await PaidTicket(concert, 30);
        var unpaid = await (await Host.Hold(other, concert, 31, expectedStatus: 201)).Read<ReservationView>();

        await (await Host.Refund(other, fan.Held.ReservationId, expectedStatus: 404)).ShouldBeProblem(404, "RESERVATION_NOT_FOUND");
        await (await Host.Refund(other, unpaid.ReservationId, expectedStatus: 409)).ShouldBeProblem(409, "NOT_PAID");
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Host.Refund(fan.Fan, fan.Held.ReservationId, expectedStatus: null)));

        answers.Select(a => a.Context.Response.StatusCode).Order().ShouldBe([200, 409, 409, 409, 409, 409]);
        foreach (var refused in answers.Where(a => a.Context.Response.StatusCode == 409)) await refused.ShouldBeProblem(409, "ALREADY_REFUNDED");
        (await Host.Balance(fan.Fan)).ShouldBe(200_000);
        (await Host.EventsOf(Reservation.StreamKey(fan.Held.ReservationId))).OfType<Concert.Domain.Payments.ReservationRefunded>()
            .Count().ShouldBe(1);
    }

    private sealed record PaidFan(Fan Fan, ReservationView Held);

    /// <summary>A fan granted 200,000 who paid a seat (and came back through the line), and another admitted fan.</summary>
    private async Task<(PaidFan Paid, Fan Other)> PaidTicket(Concert.Api.Catalog.ConcertCreatedResponse concert, int seat)
    {
        var fan = await Host.NewAdmittedFan();
        await Host.Grant(fan.UserId, 200_000);
        var held = await (await Host.Hold(fan, concert, seat, expectedStatus: 201)).Read<ReservationView>();
        await Host.Pay(fan, held.ReservationId, held.Price);
        return (new PaidFan(await Host.Readmitted(fan), held), await Host.NewAdmittedFan());
    }
}
