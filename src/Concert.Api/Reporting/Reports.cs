using Concert.Api.Catalog;
using Concert.Api.Infrastructure;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace Concert.Api.Reporting;

/// <summary>How the reports live in Marten: async projections, run by the daemon on one node at a time.</summary>
public static class ReportingStore
{
    public static void Configure(StoreOptions options, VenueTime venueTime)
    {
        options.Projections.Add<ScheduleSalesProjection>(ProjectionLifecycle.Async);
        options.Projections.Add(new DailySalesProjection(venueTime.Zone), ProjectionLifecycle.Async);
        options.Schema.For<ScheduleSales>().Duplicate(sales => sales.ConcertId);
    }
}

/// <summary>A concert's sales: each schedule's, and their totals.</summary>
public sealed record ConcertSales(long ConcertId, ScheduleSales Totals, IReadOnlyList<ScheduleSales> Schedules);

public static class ReportEndpoints
{
    [WolverineGet("/admin/reports/schedules/{scheduleId}")]
    [Tags("Reporting")]
    [EndpointSummary("A schedule's sales: seats, holds, holds now, expired holds, seats sold, revenue, hold-to-payment conversion. Built asynchronously: seconds behind at most.")]
    [ProblemResponse(404, ProblemCodes.ScheduleNotFound, "No sales recorded for this schedule.")]
    public static async Task<Results<Ok<ScheduleSales>, ProblemHttpResult>> Schedule(long scheduleId, IDocumentStore store,
        CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var sales = await session.LoadAsync<ScheduleSales>(scheduleId, cancellation);
        return sales is null
            ? Problems.NotFound(ProblemCodes.ScheduleNotFound,
                $"Schedule {scheduleId} has no sales report.")
            : TypedResults.Ok(sales);
    }

    [WolverineGet("/admin/reports/concerts/{concertId}")]
    [Tags("Reporting")]
    [EndpointSummary("A concert's sales: every schedule's report and their totals.")]
    [ProblemResponse(404, ProblemCodes.ConcertNotFound, "No sales recorded for this concert.")]
    public static async Task<Results<Ok<ConcertSales>, ProblemHttpResult>> Concert(long concertId, IDocumentStore store,
        CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var schedules = await session.Query<ScheduleSales>().Where(sales => sales.ConcertId == concertId)
            .OrderBy(sales => sales.Id).ToListAsync(cancellation);
        if (schedules.Count == 0)
        {
            return Problems.NotFound(ProblemCodes.ConcertNotFound,
                $"Concert {concertId} has no sales report.");
        }

        var totals = new ScheduleSales(0, concertId, schedules.Sum(s => s.Seats), schedules.Sum(s => s.Holds),
            schedules.Sum(s => s.HeldNow), schedules.Sum(s => s.ExpiredHolds), schedules.Sum(s => s.SeatsSold),
            schedules.Sum(s => s.Revenue), schedules.Sum(s => s.ReleasedHolds), schedules.Sum(s => s.Refunds));
        return TypedResults.Ok(new ConcertSales(concertId, totals, schedules));
    }

    [WolverineGet("/admin/reports/days")]
    [Tags("Reporting")]
    [EndpointSummary("Payments and revenue per day of the venue's calendar, from `from` to `to` (yyyy-MM-dd, both included; default: the last 31 days).")]
    [ProblemResponse(400, ProblemCodes.InvalidRequest, "from and to must be dates, yyyy-MM-dd, from ≤ to.")]
    public static async Task<Results<Ok<IReadOnlyList<DailySales>>, ProblemHttpResult>> Days(string? from, string? to,
        IDocumentStore store, TimeProvider clock, VenueTime venueTime, CancellationToken cancellation)
    {
        var today = DateOnly.FromDateTime(venueTime.ToVenueClock(clock.GetUtcNow()));
        if (!TryDay(to, today, out var last) || !TryDay(from, last.AddDays(-30), out var first) || first > last)
        {
            return TypedResults.Problem(Problems.InvalidRequest(new Dictionary<string, string>
            {
                ["from"] = "from and to must be dates, yyyy-MM-dd, from ≤ to.",
            }));
        }

        var (firstId, lastId) = (first.ToString("yyyy-MM-dd"), last.ToString("yyyy-MM-dd"));
        await using var session = store.QuerySession();
        var days = await session.Query<DailySales>()
            .Where(day => string.Compare(day.Id, firstId) >= 0 && string.Compare(day.Id, lastId) <= 0)
            .OrderBy(day => day.Id).ToListAsync(cancellation);
        return TypedResults.Ok(days);
    }

    private static bool TryDay(string? text, DateOnly fallback, out DateOnly day)
    {
        day = fallback;
        return text is null || DateOnly.TryParseExact(text, "yyyy-MM-dd", out day);
    }
}
