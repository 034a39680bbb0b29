using System.Diagnostics;
using Concert.Api.Reservations;
using Alba;
using Concert.Domain.Reservations;
using Concert.Specs.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Concert.Specs.Platform;

/// <summary>An operator's tracing backend sees a hold, its writes and its scheduled expiry as one trace.</summary>
[Collection(ConcertAppCollection.Name)]
public sealed class TracingAHold(ConcertApp app)
{
    [Fact]
    public async Task a_holds_request_its_database_writes_and_its_scheduled_expiry_are_one_trace()
    {
        var spans = new List<Activity>();
        // A node whose holds last a second, so the durable scheduler runs the expiry within the spec; its spans kept in memory.
        await using var node = await app.StartHostAsync(web =>
        {
            web.UseSetting("Holds:Duration", "00:00:01");
            web.UseSetting("Telemetry:Traces", "true"); // recorded without an OTLP endpoint, for the in-memory exporter
            web.ConfigureServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans)));
        });
        var concert = await node.OpenConcertWithNights("2027-12-01T19:00:00");
        var fan = await node.NewAdmittedFan();
        // The hold comes with a trace of the spec's own (as from a client or a proxy that traces): every span of the
        // process is recorded (listeners are process-wide), this trace's are the hold's.
        var trace = ActivityTraceId.CreateRandom();
        var hold = await node.Scenario(s =>
        {
            s.Post.Json(new { userId = fan.UserId, concertId = concert.ConcertId, scheduleId = concert.Schedules[0].ScheduleId, seatNumber = 9 })
                .ToUrl("/reservations");
            s.WithRequestHeader(Api.Queue.QueueGate.TokenHeader, fan.Token);
            s.WithRequestHeader(Api.Idempotency.IdempotencyKeys.KeyHeader, Guid.NewGuid().ToString());
            s.WithRequestHeader("traceparent", $"00-{trace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
            s.StatusCodeShouldBe(201);
        });
        var held = await hold.Read<ReservationView>();

        // The expiry is due a second after the hold; the durable scheduler (on either node) runs it with the hold's trace.
        List<Activity> inTrace;
        for (var waited = 0; ; waited++)
        {
            lock (spans) inTrace = spans.Where(span => span.TraceId == trace).ToList();
            if (inTrace.Any(IsTheExpiry)) break;
            waited.ShouldBeLessThan(100, $"no expiry in the hold's trace; Wolverine's spans: {string.Join(", ", inTrace.Where(span => span.Source.Name == "Wolverine").Select(span => span.DisplayName).Distinct())}");
            await Task.Delay(100);
        }

        (await node.EventsOf(Reservation.StreamKey(held.ReservationId))).OfType<ReservationExpired>().ShouldHaveSingleItem();
        inTrace.Any(span => span.Source.Name == "Microsoft.AspNetCore" && Equals(span.GetTagItem("http.response.status_code"), 201))
            .ShouldBeTrue("the hold's request");
        inTrace.Any(span => span.Source.Name == "Npgsql").ShouldBeTrue("the hold's database commands");
        inTrace.Single(IsTheExpiry).StartTimeUtc.ShouldBeGreaterThanOrEqualTo(held.HoldExpiresAt.UtcDateTime.AddMilliseconds(-50));

        static bool IsTheExpiry(Activity span) => span.Source.Name == "Wolverine" && span.DisplayName.Contains("ExpireHold");
    }
}
