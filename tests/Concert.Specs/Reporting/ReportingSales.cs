using Alba;
using Concert.Api.Reporting;
using Concert.Api.Reservations;
using Concert.Specs.Support;
using Marten.Events;

namespace Concert.Specs.Reporting;

[Collection(HoldsAppCollection.Name)]
public sealed class ReportingSales(HoldsApp app)
{
    private IAlbaHost Host => app.Host;

    [Fact]
    public async Task a_schedules_report_counts_holds_expiries_sales_revenue_and_conversion()
    {
        var concert = await Host.OpenConcertWithNights("2027-07-01T19:00:00", "2027-07-02T19:00:00");
        var (payer, lapser, holder) = (await Host.NewAdmittedFan(), await Host.NewAdmittedFan(), await Host.NewAdmittedFan());
        await Host.Charge(payer, 110_000);
        var paid = await (await Host.Hold(payer, concert, 1, expectedStatus: 201)).Read<ReservationView>();
        var lapsed = await (await Host.Hold(lapser, concert, 31, expectedStatus: 201)).Read<ReservationView>();
        await Host.Pay(payer, paid.ReservationId, 110_000);
        app.LetHoldsLapse();
        await Host.RecordExpiry(lapsed.ReservationId);
        await Host.Hold(holder, concert, 11, expectedStatus: 201);

        await Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));

        var scheduleId = concert.Schedules[0].ScheduleId;
        var sales = await Host.AdminGet<ScheduleSales>($"/admin/reports/schedules/{scheduleId}");
        sales.ShouldBe(new ScheduleSales(scheduleId, concert.ConcertId, Seats: 50, Holds: 3, HeldNow: 1, ExpiredHolds: 1,
            SeatsSold: 1, Revenue: 110_000));
        sales.Conversion.ShouldBe(0.3333);
        var total = await Host.AdminGet<ConcertSales>($"/admin/reports/concerts/{concert.ConcertId}");
        total.Schedules.Count.ShouldBe(2);
        (total.Totals.Seats, total.Totals.SeatsSold, total.Totals.Revenue).ShouldBe((100, 1, 110_000L));
    }

    [Fact]
    public async Task a_schedules_report_counts_releases_and_refunds_and_a_refunded_seat_sold_again_once()
    {
        var concert = await Host.OpenConcertWithNights("2027-07-05T19:00:00");
        var (refunder, releaser, buyer) = (await Host.NewAdmittedFan(), await Host.NewAdmittedFan(), await Host.NewAdmittedFan());
        await Host.Charge(refunder, 60_000);
        await Host.Charge(buyer, 60_000);
        var refunded = await (await Host.Hold(refunder, concert, 40, expectedStatus: 201)).Read<ReservationView>();
        await Host.Pay(refunder, refunded.ReservationId, refunded.Price);
        await Host.Refund(await Host.Readmitted(refunder), refunded.ReservationId);
        var released = await (await Host.Hold(releaser, concert, 41, expectedStatus: 201)).Read<ReservationView>();
        await Host.Release(releaser, released.ReservationId);
        var resold = await (await Host.Hold(buyer, concert, 40, expectedStatus: 201)).Read<ReservationView>();
        await Host.Pay(buyer, resold.ReservationId, resold.Price);

        await Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));

        var scheduleId = concert.Schedules[0].ScheduleId;
        var sales = await Host.AdminGet<ScheduleSales>($"/admin/reports/schedules/{scheduleId}");
        sales.ShouldBe(new ScheduleSales(scheduleId, concert.ConcertId, Seats: 50, Holds: 3, HeldNow: 0, ExpiredHolds: 0,
            SeatsSold: 1, Revenue: 60_000, ReleasedHolds: 1, Refunds: 1));
    }

    [Fact]
    public async Task a_days_report_sums_the_payments_of_each_venue_day()
    {
        var concert = await Host.OpenConcertWithNights("2027-07-03T19:00:00");
        var fan = await Host.NewAdmittedFan();
        await Host.Charge(fan, 200_000);
        var held = await (await Host.Hold(fan, concert, 40, expectedStatus: 201)).Read<ReservationView>();
        var receipt = await (await Host.Pay(fan, held.ReservationId, held.Price)).Read<Api.Payments.PaymentReceipt>();
        var today = TimeZoneInfo.ConvertTime(receipt.PaidAt, TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul")).ToString("yyyy-MM-dd");

        await Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));

        var days = await Host.AdminGet<List<DailySales>>($"/admin/reports/days?from={today}&to={today}");
        var day = days.ShouldHaveSingleItem();
        day.Id.ShouldBe(today);
        day.Payments.ShouldBeGreaterThanOrEqualTo(1);
        day.Revenue.ShouldBeGreaterThanOrEqualTo(60_000);
    }

    [Fact]
    public async Task reports_of_nothing_are_404_and_a_bad_day_range_is_400()
    {
        await (await Host.AdminGetRefused("/admin/reports/schedules/999999999", 404)).ShouldBeProblem(404, "SCHEDULE_NOT_FOUND");
        await (await Host.AdminGetRefused("/admin/reports/concerts/999999999", 404)).ShouldBeProblem(404, "CONCERT_NOT_FOUND");
        await (await Host.AdminGetRefused("/admin/reports/days?from=2027-02-01&to=2027-01-01", 400)).ShouldBeProblem(400, "INVALID_REQUEST");
        await (await Host.AdminGetRefused("/admin/reports/days?from=yesterday", 400)).ShouldBeProblem(400, "INVALID_REQUEST");
    }

    [Fact]
    public async Task reports_need_the_admin_key()
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url("/admin/reports/days");
            s.StatusCodeShouldBe(401);
        });

        await result.ShouldBeProblem(401, "ADMIN_KEY_INVALID");
    }
}
