using System.Diagnostics.Metrics;
using System.Net;
using Concert.Api.Infrastructure;
using Concert.Api.Queue;
using Concert.Domain.Payments;
using Concert.Domain.Queue;
using Concert.Domain.Reservations;
using Marten;
using Marten.Services;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Concert.Api.Operations;

/// <summary>The Telemetry:* settings (docs/operating.md).</summary>
public sealed class TelemetryOptions
{
    /// <summary>Traces and metrics at all; off, nothing is measured or exported and /metrics is 404.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// A bearer token /metrics asks of its scraper (Authorization: Bearer …). Without one, /metrics answers only
    /// requests from this machine (a scraper beside the node, or a port-forward), 404 to the rest.
    /// </summary>
    public string? MetricsToken { get; set; }

    /// <summary>
    /// Traces recorded: by default only when they go somewhere (OTEL_EXPORTER_OTLP_ENDPOINT set), as recording a span
    /// for every check of a rush costs a share of its rate (bench/README.md, "Telemetry on and off").
    /// </summary>
    public bool? Traces { get; set; }

    /// <summary>
    /// ASP.NET Core's own per-request meters (request durations by route, routing, Kestrel): off by default, as recording
    /// them cost a rush's checks a sixth of their rate (bench/README.md); the service's own counters say what a rush
    /// needs (checks, issues, problems by route and code).
    /// </summary>
    public bool HttpServerMetrics { get; set; }

    /// <summary>The share of traces kept, by trace (a hold's expiry is kept or dropped with its hold).</summary>
    public double TraceRatio { get; set; } = 1.0;

    /// <summary>How often each node samples what only the database knows: the reports' lag, the dead letters.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// The service's own instruments, in the meter "Concert" (docs/operating.md names each). The state changes are counted
/// from the events each transaction committed (<see cref="CountCommittedEvents"/>), so no endpoint can forget one; what
/// is not an event (a check, an issue, a refusal, a replay, a flush, an expiry's lateness) is measured where it happens.
/// </summary>
public sealed class ConcertMetrics
{
    public const string MeterName = "Concert";

    private readonly Meter _meter;

    public ConcertMetrics(IMeterFactory meters)
    {
        var meter = _meter = meters.Create(MeterName);
        Issues = meter.CreateCounter<long>("concert.queue.issues", "{token}", "Places in line given (new and returning fans).");
        Checks = meter.CreateCounter<long>("concert.queue.checks", "{check}", "Checks of a place in line answered.");
        Admissions = meter.CreateCounter<long>("concert.queue.admissions", "{fan}", "Fans admitted from the line.");
        HoldsPlaced = meter.CreateCounter<long>("concert.holds.placed", "{hold}", "Seats held.");
        HoldsExpired = meter.CreateCounter<long>("concert.holds.expired", "{hold}", "Unpaid holds recorded as lapsed.");
        ExpiryLateness = meter.CreateHistogram<double>("concert.holds.expiry_lateness", "s",
            "How long after its holdExpiresAt each lapse was decided (by its scheduled message or the sweep).");
        Payments = meter.CreateCounter<long>("concert.payments", "{payment}", "Payments confirmed.");
        Refunds = meter.CreateCounter<long>("concert.refunds", "{refund}", "Tickets refunded, by reason.");
        Problems = meter.CreateCounter<long>("concert.http.problems", "{answer}",
            "Problem answers (4xx and 5xx), by route, status and code: the 409s, 429s and 503s among them.");
        IdempotencyReplays = meter.CreateCounter<long>("concert.idempotency.replays", "{request}",
            "Keyed requests answered with their stored outcome.");
        IdempotencyInFlight = meter.CreateCounter<long>("concert.idempotency.in_flight", "{request}",
            "Keyed requests refused while the same key was still being handled.");
    }

    /// <summary>
    /// The gauges, read from the node's own state when scraped. Not in the constructor: the counters are needed while
    /// the document store is being built (<see cref="CountCommittedEvents"/>), and these read services that need it.
    /// </summary>
    public void Observe(LineView line, PresenceBook presence, OperationsSample sample)
    {
        _meter.CreateObservableGauge("concert.queue.waiting", () => line.Latest?.Waiting ?? 0, "{fan}",
            "Fans waiting in line, as of this node's last reading.");
        _meter.CreateObservableGauge("concert.queue.active", () => line.Latest?.Active ?? 0, "{fan}",
            "Admitted fans whose turn is running, as of this node's last reading.");
        _meter.CreateObservableGauge("concert.queue.presence_flush_lag", () => presence.LastFlushLagSeconds, "s",
            "How long ago the oldest sign of life this node's last flush wrote was seen (0: none to write).");
        _meter.CreateObservableGauge("concert.reports.lag", () => sample.ReportsLagSeconds, "s",
            "Age of the oldest event the async reports have not applied yet (0 when they are current).");
        _meter.CreateObservableGauge("concert.dead_letters", () => sample.DeadLetters, "{message}",
            "Durable messages that failed for good and wait for an operator.");
    }

    public Counter<long> Issues { get; }
    public Counter<long> Checks { get; }
    public Counter<long> Admissions { get; }
    public Counter<long> HoldsPlaced { get; }
    public Counter<long> HoldsExpired { get; }
    public Histogram<double> ExpiryLateness { get; }
    public Counter<long> Payments { get; }
    public Counter<long> Refunds { get; }
    public Counter<long> Problems { get; }
    public Counter<long> IdempotencyReplays { get; }
    public Counter<long> IdempotencyInFlight { get; }

    /// <summary>An answer of /waiting/issue or /waiting/check with the fan's standing.</summary>
    public void CountQueueAnswer(HttpContext context) =>
        (context.Request.Path.StartsWithSegments("/waiting/check") ? Checks : Issues).Add(1);

    /// <summary>A problem answer, by the route's pattern (not the path: ids would make a series per request).</summary>
    public void CountProblem(HttpContext context, int status, string? code) =>
        Problems.Add(1,
            new KeyValuePair<string, object?>("http.route", (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched"),
            new KeyValuePair<string, object?>("http.response.status_code", status),
            new KeyValuePair<string, object?>("code", code));
}

/// <summary>Counts the state changes each committed transaction recorded, by their events.</summary>
public sealed class CountCommittedEvents(ConcertMetrics metrics) : DocumentSessionListenerBase
{
    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        foreach (var recorded in commit.GetEvents())
        {
            switch (recorded.Data)
            {
                case TokenAdmitted: metrics.Admissions.Add(1); break;
                case SeatHeld: metrics.HoldsPlaced.Add(1); break;
                case ReservationExpired: metrics.HoldsExpired.Add(1); break;
                case PaymentConfirmed: metrics.Payments.Add(1); break;
                case ReservationRefunded refunded:
                    metrics.Refunds.Add(1, new KeyValuePair<string, object?>("reason", refunded.Reason.ToString()));
                    break;
            }
        }

        return Task.CompletedTask;
    }
}

/// <summary>What only the database knows, sampled by each node in the background so a scrape never waits on it.</summary>
public sealed class OperationsSample(IDocumentStore store, TelemetryOptions options, ILogger<OperationsSample> logger)
    : BackgroundService
{
    public double ReportsLagSeconds { get; private set; }

    public long DeadLetters { get; private set; }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Periodic.RunAsync(new PeriodicTimer(options.SampleInterval), SampleAsync,
            e => logger.LogWarning(e, "Sampling the reports' lag and the dead letters failed; the gauges keep their last values"),
            stoppingToken);

    public async Task SampleAsync(CancellationToken cancellation)
    {
        var schema = store.Options.DatabaseSchemaName;
        await using var session = store.QuerySession();
        ReportsLagSeconds = (await session.QueryAsync<double>(
            $"""
             select coalesce(extract(epoch from now() - min(e.timestamp)), 0)::float8 from {schema}.mt_events e
             where e.seq_id > (select coalesce(min(last_seq_id), 0) from {schema}.mt_event_progression where name not like 'HighWater%')
             """, cancellation)).Single();
        DeadLetters = (await session.QueryAsync<long>(DeadLettersEndpoint.CountSql(store), cancellation)).Single();
    }
}

public static class Telemetry
{
    public static void AddConcertTelemetry(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Telemetry").Get<TelemetryOptions>() ?? new TelemetryOptions();
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton<ConcertMetrics>();
        services.AddSingleton<CountCommittedEvents>();
        services.AddSingleton<OperationsSample>();
        if (!options.Enabled) return;

        services.AddHostedService(provider => provider.GetRequiredService<OperationsSample>());
        var otlp = !string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("concert-api"));
        if (options.Traces ?? otlp)
        {
            // One request's hold, its events (Marten, Npgsql) and, later, its scheduled expiry (Wolverine carries the
            // trace in the stored envelope) show as one trace.
            telemetry.WithTracing(tracing =>
            {
                tracing.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.TraceRatio)))
                    .AddAspNetCoreInstrumentation(aspNet => aspNet.Filter = context => !IsScrape(context))
                    .AddSource("Wolverine", "Marten", "Npgsql");
                if (otlp) tracing.AddOtlpExporter();
            });
        }

        telemetry.WithMetrics(metrics =>
            {
                if (options.HttpServerMetrics) metrics.AddAspNetCoreInstrumentation();
                metrics.AddRuntimeInstrumentation()
                    .AddMeter(ConcertMetrics.MeterName, "Wolverine*", "Marten*", "Npgsql")
                    .AddPrometheusExporter();
                if (otlp) metrics.AddOtlpExporter();
            });
    }

    /// <summary>/metrics for Prometheus: with Telemetry:MetricsToken its bearer token, without one from this machine only.</summary>
    public static void MapConcertMetrics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<TelemetryOptions>();
        if (!options.Enabled) return;
        app.Services.GetRequiredService<ConcertMetrics>().Observe(app.Services.GetRequiredService<LineView>(),
            app.Services.GetRequiredService<PresenceBook>(), app.Services.GetRequiredService<OperationsSample>());
        app.UseWhen(IsScrape, scrape => scrape.Use(async (context, next) =>
        {
            var allowed = options.MetricsToken is { Length: > 0 } token
                ? context.Request.Headers.Authorization.ToString() == $"Bearer {token}"
                : context.Connection.RemoteIpAddress is not { } remote || IPAddress.IsLoopback(remote);
            if (!allowed)
            {
                await Infrastructure.Problems.Result(StatusCodes.Status404NotFound, ProblemCodes.NotFound, "No such resource.")
                    .ExecuteAsync(context);
                return;
            }

            await next(context);
        }));
        app.MapPrometheusScrapingEndpoint("/metrics");
    }

    private static bool IsScrape(HttpContext context) => context.Request.Path.StartsWithSegments("/metrics");
}
