using System.Net.Http.Json;
using System.Text.Json;
using Concert.Api.Catalog;
using Concert.Api.Idempotency;
using Concert.Api.Infrastructure;
using Concert.Api.Queue;
using Concert.Api.Reservations;
using Concert.Api.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Wolverine;

namespace Concert.Specs.Support;

/// <summary>
/// The pages in a real browser: the service on a real port (Kestrel in this process, built as Program builds it, its
/// pages from src/Concert.Api/wwwroot) on a database of its own, and Debian's Chromium driven by Playwright. The steps a
/// scenario takes besides the pages (opening a concert, another fan's hold, reading what the service recorded) go to
/// the same service over HTTP: one node, as `./concert run` is.
/// </summary>
public sealed class PagesApp : SpecApp
{
    private const string Chromium = "/usr/bin/chromium";

    private WebApplication _service = null!;
    private IPlaywright _playwright = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where the browser finds the service, e.g. http://127.0.0.1:41234.</summary>
    public string BaseUrl { get; private set; } = null!;

    private readonly JsonSerializerOptions _json = new();

    /// <summary>The service over real HTTP, for the steps besides the pages.</summary>
    public HttpClient Service { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await CreateDatabaseAsync();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Development",
            ApplicationName = typeof(Program).Assembly.GetName().Name,
            ContentRootPath = Path.Combine(RepositoryRoot(), "src", "Concert.Api"),
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = ConnectionString,
            ["Admin:ApiKey"] = AdminKey,
            ["Demo:SeedConcert"] = "false",
            ["RateLimits:IssuesPerSecond"] = "0",
            ["RateLimits:MalformedPerMinute"] = "0",
            ["Queue:MaxActive"] = "1000",
            ["Queue:AdmissionInterval"] = "00:00:00.100",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.RunWolverineInSoloMode();
        builder.AddConcert();
        _service = builder.Build();
        _service.UseConcert();
        await _service.StartAsync();
        BaseUrl = _service.Urls.Single();
        Service = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        Service.DefaultRequestHeaders.Add(global::Concert.Api.Infrastructure.AdminKey.Header, AdminKey);
        global::Concert.Api.Infrastructure.Json.Configure(_json);

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox"], // the specs may run as root, where Chromium's sandbox refuses to start
        });
    }

    /// <summary>A fresh browser profile (its own local storage: its own fan), English unless told, a phone's width if asked.</summary>
    public async Task<IPage> NewPageAsync(string locale = "en-US", bool phone = false)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            Locale = locale,
            ViewportSize = phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1200, Height = 900 },
        });
        var page = await context.NewPageAsync();
        var errors = _errors[page] = [];
        page.PageError += (_, error) => { lock (errors) errors.Add(error); };
        return page;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<IPage, List<string>> _errors = new();

    /// <summary>The scripts' uncaught errors on a page (a failed request the page handles is not one).</summary>
    public IReadOnlyList<string> ErrorsOf(IPage page) => _errors[page];

    /// <summary>
    /// A screenshot of a page as the specs saw it, in .local/screenshots, or in the folder CONCERT_SCREENSHOTS names
    /// (docs/screenshots to refresh the documentation's).
    /// </summary>
    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(RepositoryRoot(), Environment.GetEnvironmentVariable("CONCERT_SCREENSHOTS") ?? ".local/screenshots",
                $"{name}.png"),
            FullPage = true,
            Animations = ScreenshotAnimations.Disabled,
        });

    public override async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        Service?.Dispose();
        if (_service is not null)
        {
            await _service.StopAsync();
            await _service.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    public async Task<ConcertCreatedResponse> OpenConcertAsync(params string[] startTimes) =>
        await ReadAsync<ConcertCreatedResponse>(await Service.PostAsJsonAsync("/admin/concerts",
            new { title = "Browser Concert", schedules = startTimes.Select(startAt => new { startAt }) }));

    /// <summary>Another fan, through the line, holding a seat.</summary>
    public async Task<ReservationView> HoldForAnotherFanAsync(ConcertCreatedResponse concert, int seatNumber)
    {
        var userId = Guid.NewGuid();
        var status = await ReadAsync<QueueStatus>(await Service.PostAsJsonAsync("/waiting/issue", new { userId }));
        for (var waited = 0; !status.Active; waited++)
        {
            if (waited > 100) throw new TimeoutException($"fan {userId} was never admitted");
            await Task.Delay(100);
            status = await ReadAsync<QueueStatus>(await Service.SendAsync(Gated(HttpMethod.Get, "/waiting/check", status.Token)));
        }

        var hold = Gated(HttpMethod.Post, "/reservations", status.Token);
        hold.Headers.Add(IdempotencyKeys.KeyHeader, Guid.NewGuid().ToString());
        hold.Content = JsonContent.Create(new
        {
            userId, concertId = concert.ConcertId, scheduleId = concert.Schedules[0].ScheduleId, seatNumber,
        });
        return await ReadAsync<ReservationView>(await Service.SendAsync(hold));
    }

    public async Task<QueueOverview> QueueOverviewAsync() => await ReadAsync<QueueOverview>(await Service.GetAsync("/admin/queue"));

    /// <summary>A schedule's seats as support reads them (the admin key, no queue token).</summary>
    public async Task<SeatMapAt> SeatsAsync(long scheduleId) =>
        await ReadAsync<SeatMapAt>(await Service.GetAsync($"/admin/support/schedules/{scheduleId}/seats"));

    private static HttpRequestMessage Gated(HttpMethod method, string path, string token)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add(QueueGate.TokenHeader, token);
        return request;
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.ShouldBeTrue($"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
        return JsonSerializer.Deserialize<T>(body, _json)!;
    }

    protected override void Configure(IWebHostBuilder web)
    {
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Concert.sln"))) return directory.FullName;
        }

        throw new InvalidOperationException("the specs run outside the repository: no Concert.sln above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class PagesAppCollection : ICollectionFixture<PagesApp>
{
    public const string Name = "Pages in a browser";
}
