using System.Globalization;
using System.Text.RegularExpressions;
using Alba;
using Concert.Api.Operations;
using Concert.Api.Reservations;
using Concert.Specs.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Concert.Specs.Platform;

/// <summary>An operator's Prometheus reads /metrics after fans went through the line, held, paid, refunded and lapsed.</summary>
[Collection(HoldsAppCollection.Name)]
public sealed partial class ReadingMetrics(HoldsApp app)
{
    private IAlbaHost Host => app.Host;

    [Fact]
    public async Task after_a_journey_metrics_has_every_named_instrument_with_a_plausible_value()
    {
        var concert = await Host.OpenConcertWithNights("2027-11-01T19:00:00");
        var (fan, rival, lapsing) = (await Host.NewAdmittedFan(), await Host.NewAdmittedFan(), await Host.NewAdmittedFan());
        await Host.Grant(fan.UserId, 200_000);
        var held = await (await Host.Hold(fan, concert, 5, key: "metrics-hold", expectedStatus: 201)).Read<ReservationView>();
        await Host.Hold(fan, concert, 5, key: "metrics-hold", expectedStatus: 201); // replayed
        await Host.Hold(rival, concert, 5, expectedStatus: 409);
        await Host.Pay(fan, held.ReservationId, held.Price);
        await Host.Refund(await Host.Readmitted(fan), held.ReservationId);
        var lapsed = await (await Host.Hold(lapsing, concert, 6, expectedStatus: 201)).Read<ReservationView>();
        app.LetHoldsLapse();
        await Host.RecordExpiry(lapsed.ReservationId);
        await Host.Services.GetRequiredService<OperationsSample>().SampleAsync(CancellationToken.None);

        var metrics = Parse(await (await Host.Scenario(s => s.Get.Url("/metrics"))).ReadAsTextAsync());

        metrics.Sum("concert_queue_issues_total").ShouldBeGreaterThanOrEqualTo(4);
        metrics.Sum("concert_queue_checks_total").ShouldBeGreaterThanOrEqualTo(1);
        metrics.Sum("concert_queue_admissions_total").ShouldBeGreaterThanOrEqualTo(4);
        metrics.Sum("concert_queue_waiting").ShouldBeGreaterThanOrEqualTo(0);
        metrics.Sum("concert_queue_active").ShouldBeGreaterThanOrEqualTo(1); // the rival and the lapsing fan (the payer's turn ended)
        metrics.Sum("concert_queue_presence_flush_lag_seconds").ShouldBeGreaterThanOrEqualTo(0);
        metrics.Sum("concert_holds_placed_total").ShouldBeGreaterThanOrEqualTo(2);
        metrics.Sum("concert_holds_expired_total").ShouldBeGreaterThanOrEqualTo(1);
        metrics.Sum("concert_holds_expiry_lateness_seconds_count").ShouldBeGreaterThanOrEqualTo(1);
        metrics.Sum("concert_payments_total").ShouldBeGreaterThanOrEqualTo(1);
        metrics.Sum("concert_refunds_total", "reason=\"FanAsked\"").ShouldBeGreaterThanOrEqualTo(1);
        metrics.Sum("concert_http_problems_total", "code=\"SEAT_ALREADY_TAKEN\"", "http_response_status_code=\"409\"",
            "http_route=\"/reservations\"").ShouldBeGreaterThanOrEqualTo(1);
        metrics.Sum("concert_idempotency_replays_total").ShouldBeGreaterThanOrEqualTo(1);
        metrics.Sum("concert_reports_lag_seconds").ShouldBeGreaterThanOrEqualTo(0);
        metrics.Sum("concert_dead_letters").ShouldBeGreaterThanOrEqualTo(0);
        metrics.Names.ShouldContain(name => name.StartsWith("wolverine", StringComparison.Ordinal));
        metrics.Names.ShouldContain(name => name.StartsWith("db_client", StringComparison.Ordinal)); // Npgsql's
    }

    [Fact]
    public async Task metrics_is_not_answered_to_another_machine_without_the_token()
    {
        var refused = await Host.Scenario(s =>
        {
            s.Get.Url("/metrics");
            s.ConfigureHttpContext(context => context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse("203.0.113.9"));
            s.StatusCodeShouldBe(404);
        });
        (await refused.ReadAsTextAsync()).ShouldNotContain("concert_");
    }

    private sealed record Samples(List<(string Name, string Labels, double Value)> All)
    {
        public IEnumerable<string> Names => All.Select(sample => sample.Name).Distinct();

        /// <summary>The sum of a metric's samples whose labels include every one given; fails when it has none.</summary>
        public double Sum(string name, params string[] labels)
        {
            var matching = All.Where(sample => sample.Name == name && labels.All(sample.Labels.Contains)).ToList();
            matching.ShouldNotBeEmpty($"{name} {string.Join(",", labels)} in /metrics");
            return matching.Sum(sample => sample.Value);
        }
    }

    private static Samples Parse(string text) =>
        new(text.Split('\n').Select(line => Sample().Match(line)).Where(match => match.Success)
            .Select(match => (match.Groups["name"].Value, match.Groups["labels"].Value,
                double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture)))
            .ToList());

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<labels>\{[^}]*\})? (?<value>[-+0-9.eE]+|NaN)")]
    private static partial Regex Sample();
}
