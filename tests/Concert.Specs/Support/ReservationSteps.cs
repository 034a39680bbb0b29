using Concert.Api.Idempotency;
using Alba;
using Concert.Api.Catalog;
using Concert.Api.Infrastructure;
using Concert.Api.Queue;
using Concert.Api.Reservations;
using Concert.Domain.Reservations;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace Concert.Specs.Support;

/// <summary>A fan with an ACTIVE token, and the reservation requests they make.</summary>
public sealed record Fan(Guid UserId, string Token);

public static class ReservationSteps
{
    public static async Task<Fan> NewAdmittedFan(this IAlbaHost host)
    {
        var status = await host.AdmittedFan();
        return new Fan(status.UserId, status.Token);
    }

    /// <summary>The same fan back through the line with a new token (after a payment ended the last one).</summary>
    public static async Task<Fan> Readmitted(this IAlbaHost host, Fan fan)
    {
        var status = await host.AdmittedFan(fan.UserId);
        return new Fan(status.UserId, status.Token);
    }

    public static Task<IScenarioResult> Hold(this IAlbaHost host, Fan fan, ConcertCreatedResponse concert, int seatNumber,
        string? key = null, int? expectedStatus = null, Guid? forUser = null, long? scheduleId = null) =>
        host.Scenario(s =>
        {
            s.Post.Json(new
            {
                userId = forUser ?? fan.UserId,
                concertId = concert.ConcertId,
                scheduleId = scheduleId ?? concert.Schedules[0].ScheduleId,
                seatNumber,
            }).ToUrl("/reservations");
            s.WithRequestHeader(QueueGate.TokenHeader, fan.Token);
            s.WithRequestHeader(IdempotencyKeys.KeyHeader, key ?? Guid.NewGuid().ToString());
            if (expectedStatus is { } status) s.StatusCodeShouldBe(status);
            else s.IgnoreStatusCode();
        });

    /// <summary>The fan lets a hold go (DELETE /reservations/{id}).</summary>
    public static Task<IScenarioResult> Release(this IAlbaHost host, Fan fan, long reservationId, string? key = null,
        int? expectedStatus = 200) =>
        host.Scenario(s =>
        {
            s.Delete.Url($"/reservations/{reservationId}");
            s.WithRequestHeader(QueueGate.TokenHeader, fan.Token);
            s.WithRequestHeader(IdempotencyKeys.KeyHeader, key ?? Guid.NewGuid().ToString());
            if (expectedStatus is { } status) s.StatusCodeShouldBe(status);
            else s.IgnoreStatusCode();
        });

    /// <summary>The fan asks for a paid ticket's refund (POST /reservations/{id}/refund).</summary>
    public static Task<IScenarioResult> Refund(this IAlbaHost host, Fan fan, long reservationId, string? key = null,
        int? expectedStatus = 200) =>
        host.Scenario(s =>
        {
            s.Post.Url($"/reservations/{reservationId}/refund");
            s.WithRequestHeader(QueueGate.TokenHeader, fan.Token);
            s.WithRequestHeader(IdempotencyKeys.KeyHeader, key ?? Guid.NewGuid().ToString());
            if (expectedStatus is { } status) s.StatusCodeShouldBe(status);
            else s.IgnoreStatusCode();
        });

    /// <summary>The data of every event of a stream, oldest first, as the database holds them.</summary>
    public static async Task<IReadOnlyList<object>> EventsOf(this IAlbaHost host, string streamKey)
    {
        await using var session = host.DocumentStore().QuerySession();
        return (await session.Events.FetchStreamAsync(streamKey)).Select(e => e.Data).ToList();
    }

    /// <summary>
    /// The hold's scheduled expiry, handled now through the service's own handler pipeline (its transaction and its retries
    /// of write conflicts), as the durable scheduler delivers it when due; several at once, as several nodes would.
    /// </summary>
    public static async Task RecordExpiry(this IAlbaHost host, long reservationId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync(new ExpireHold(reservationId));
    }

    public static Task<IScenarioResult> GetReservation(this IAlbaHost host, Fan fan, string reservationId, int expectedStatus) =>
        host.Scenario(s =>
        {
            s.Get.Url($"/reservations/{reservationId}");
            s.WithRequestHeader(QueueGate.TokenHeader, fan.Token);
            s.StatusCodeShouldBe(expectedStatus);
        });
}
