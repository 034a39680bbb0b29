using Concert.Api.Catalog;
using Concert.Specs.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Concert.Specs.Pages;

/// <summary>A fan in a real browser: the waiting room, a seat, the countdown, the wallet, payment and the receipt.</summary>
[Collection(PagesAppCollection.Name)]
public sealed class FanPages(PagesApp app)
{
    static FanPages() => SetDefaultExpectTimeout(15_000); // an admission waits for the line's next poll

    [Fact]
    public async Task a_fan_goes_from_the_waiting_room_to_the_receipt()
    {
        var concert = await app.OpenConcertAsync("2027-10-01T19:00:00", "2027-10-02T19:00:00");
        var page = await app.NewPageAsync();
        await page.GotoAsync($"/?concert={concert.ConcertId}");

        await page.GetByRole(AriaRole.Button, new() { Name = "Take a place in line" }).ClickAsync();
        await Expect(page.Locator("#standing")).ToBeVisibleAsync();
        await Expect(page.Locator("#position")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+$"));
        await PagesApp.ScreenshotAsync(page, "fan-waiting-room");

        await Expect(page.Locator("#admitted")).ToBeVisibleAsync();
        var dates = page.Locator("#schedule-list li");
        await Expect(dates).ToHaveCountAsync(2);
        await dates.First.GetByRole(AriaRole.Button, new() { Name = "Choose" }).ClickAsync();
        await Expect(page.Locator("#seat-grid .seat")).ToHaveCountAsync(50);

        await Expect(page.Locator("#balance")).ToHaveTextAsync("0 KRW");

        await page.GetByRole(AriaRole.Button, new() { Name = "Seat 20,", Exact = false }).ClickAsync();
        await Expect(page.Locator("#hold")).ToBeVisibleAsync();
        await Expect(page.Locator("#hold-seat")).ToHaveTextAsync("20");
        await Expect(page.Locator("#countdown")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^[45]:\d\d$"));
        await Expect(page.Locator("#seat-grid [data-seat='20']")).ToHaveAttributeAsync("data-status", "TEMP_RESERVED");

        await page.GetByRole(AriaRole.Button, new() { Name = "Pay" }).ClickAsync(); // nothing in the wallet yet
        await Expect(page.Locator("#problem")).ToHaveAttributeAsync("data-code", "INSUFFICIENT_BALANCE");
        await page.GetByLabel("Amount (KRW)").FillAsync("100000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Top up" }).ClickAsync();
        await Expect(page.Locator("#balance")).ToHaveTextAsync("100,000 KRW");
        await PagesApp.ScreenshotAsync(page, "fan-seat-map-and-hold");

        await page.GetByRole(AriaRole.Button, new() { Name = "Pay" }).ClickAsync(); // a new payment, not the refusal replayed
        await Expect(page.Locator("#receipt")).ToBeVisibleAsync();
        await Expect(page.Locator("#receipt-seat")).ToHaveTextAsync("20");
        await Expect(page.Locator("#receipt-balance")).ToHaveTextAsync("20,000 KRW");
        await PagesApp.ScreenshotAsync(page, "fan-receipt");
        app.ErrorsOf(page).ShouldBeEmpty();
        await page.Context.CloseAsync();

        (await app.SeatsAsync(concert.Schedules[0].ScheduleId)).Seats.Single(seat => seat.Number == 20).Status
            .ShouldBe(Concert.Domain.Catalog.SeatStatus.Reserved);
    }

    [Fact]
    public async Task two_fans_click_the_same_seat_at_once_and_one_of_them_is_told_it_is_taken()
    {
        var concert = await app.OpenConcertAsync("2027-10-03T19:00:00");
        var fans = await Task.WhenAll(AdmittedAtTheSeats(concert), AdmittedAtTheSeats(concert));

        await Task.WhenAll(fans.Select(page => page.Locator("#seat-grid [data-seat='30']").ClickAsync()));

        var held = await Task.WhenAll(fans.Select(async page =>
        {
            await Expect(page.Locator("#hold:not([hidden]), #problem:not([hidden])")).ToHaveCountAsync(1);
            return await page.Locator("#hold").IsVisibleAsync();
        }));
        held.Count(won => won).ShouldBe(1);
        var loser = fans[Array.IndexOf(held, false)];
        await Expect(loser.Locator("#problem")).ToHaveAttributeAsync("data-code", "SEAT_ALREADY_TAKEN");
        await Expect(loser.Locator("#problem")).ToHaveTextAsync("Someone else took this seat first. Choose another.");
        await Expect(loser.Locator("#seat-grid [data-seat='30']")).ToHaveAttributeAsync("data-status", "TEMP_RESERVED");
        await PagesApp.ScreenshotAsync(loser, "fan-seat-taken");
        foreach (var page in fans)
        {
            app.ErrorsOf(page).ShouldBeEmpty();
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task a_korean_browser_gets_the_pages_in_korean_and_a_fan_may_switch_them()
    {
        var page = await app.NewPageAsync(locale: "ko-KR", phone: true);
        await page.GotoAsync("/");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "콘서트 — 예매" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "대기열에 들어가기" })).ToBeVisibleAsync();
        await PagesApp.ScreenshotAsync(page, "fan-phone-korean");
        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Take a place in line" })).ToBeVisibleAsync();
        (await page.EvaluateAsync<string>("document.documentElement.lang")).ShouldBe("en");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task every_field_of_the_pages_has_a_label()
    {
        foreach (var path in new[] { "/", "/console.html" })
        {
            var page = await app.NewPageAsync();
            await page.GotoAsync(path);
            var unlabelled = await page.EvaluateAsync<string[]>(
                "[...document.querySelectorAll('input, select, textarea')].filter(field => field.labels.length === 0).map(field => field.id)");
            unlabelled.ShouldBeEmpty(path);
            await page.Context.CloseAsync();
        }
    }

    /// <summary>A fan in a browser of their own, admitted, with the first date's seat map open.</summary>
    private async Task<IPage> AdmittedAtTheSeats(ConcertCreatedResponse concert)
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync($"/?concert={concert.ConcertId}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Take a place in line" }).ClickAsync();
        await Expect(page.Locator("#admitted")).ToBeVisibleAsync();
        await page.Locator("#schedule-list button").First.ClickAsync();
        await Expect(page.Locator("#seat-grid [data-seat='30']")).ToHaveAttributeAsync("data-status", "AVAILABLE");
        return page;
    }
}
