using Concert.Specs.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Concert.Specs.Pages;

/// <summary>An operator in a real browser: the line, its capacity, and a reservation's history.</summary>
[Collection(PagesAppCollection.Name)]
public sealed class OperatorConsole(PagesApp app)
{
    static OperatorConsole() => SetDefaultExpectTimeout(15_000);

    [Fact]
    public async Task an_operator_changes_the_capacity_and_reads_a_reservations_history()
    {
        var concert = await app.OpenConcertAsync("2027-10-04T19:00:00");
        var held = await app.HoldForAnotherFanAsync(concert, 44);
        var page = await app.NewPageAsync();
        await page.GotoAsync("/console.html");

        await page.GetByLabel("Admin key").FillAsync("not the key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enter" }).ClickAsync();
        await Expect(page.Locator("#problem")).ToHaveAttributeAsync("data-code", "ADMIN_KEY_INVALID");
        await page.GetByLabel("Admin key").FillAsync(SpecApp.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Enter" }).ClickAsync();
        await Expect(page.Locator("#desk")).ToBeVisibleAsync();
        await Expect(page.Locator("#max-active")).ToHaveTextAsync("1,000");

        await page.Locator("#capacity").FillAsync("1234");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.Locator("#max-active")).ToHaveTextAsync("1,234");
        (await app.QueueOverviewAsync()).MaxActive.ShouldBe(1234);

        await page.Locator("#history-kind").SelectOptionAsync("reservation");
        await page.Locator("#history-id").FillAsync(held.ReservationId.ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "History" }).ClickAsync();
        await Expect(page.Locator("#timeline li")).ToHaveCountAsync(1);
        await Expect(page.Locator("#timeline li").First).ToContainTextAsync("ReservationPlaced");

        await page.Locator("#sales-concert").FillAsync(concert.ConcertId.ToString());
        for (var tries = 0; await page.Locator("#sales tbody tr").CountAsync() == 0; tries++) // the reports trail the events
        {
            tries.ShouldBeLessThan(30, "the concert's sales never showed");
            await page.GetByRole(AriaRole.Button, new() { Name = "Read sales" }).ClickAsync();
            await page.WaitForTimeoutAsync(500);
        }

        await Expect(page.Locator("#sales tbody tr td").Nth(1)).ToHaveTextAsync("1"); // its one hold
        await PagesApp.ScreenshotAsync(page, "operator-console");

        await page.Locator("#capacity").FillAsync("1000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.Locator("#max-active")).ToHaveTextAsync("1,000");
        app.ErrorsOf(page).ShouldBeEmpty();
        await page.Context.CloseAsync();
    }
}
