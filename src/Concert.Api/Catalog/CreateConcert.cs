using System.Globalization;
using System.Text.RegularExpressions;
using Concert.Api.Infrastructure;
using Concert.Domain.Catalog;
using Marten;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace Concert.Api.Catalog;

public sealed record CreateConcertRequest(string? Title, IReadOnlyList<ScheduleRequest?>? Schedules);

/// <param name="StartAt">Venue wall-clock time, e.g. 2025-09-01T19:00:00; an instant with Z or an offset is converted.</param>
/// <param name="Prices">Optional seat number to price; other seats keep their default tier.</param>
public sealed record ScheduleRequest(string? StartAt, IReadOnlyDictionary<string, long>? Prices = null);

public sealed record CreatedSchedule(long ScheduleId, DateTime StartAt);

public sealed record ConcertCreatedResponse(long ConcertId, string Title, IReadOnlyList<CreatedSchedule> Schedules)
    : IHttpAware
{
    public void Apply(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status201Created;
        context.Response.Headers.Location = $"/concerts/{ConcertId}/schedules";
    }

    public static void PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status201Created,
            typeof(ConcertCreatedResponse), ["application/json"]));
}

public static partial class CreateConcertEndpoint
{
    public const int MaxSchedules = 100;
    public const int MaxTitleLength = 200;

    public static ProblemDetails Validate(CreateConcertRequest? request, VenueTime venue)
    {
        if (request is null) return Problems.BodyRequired();
        var errors = Parse(request, venue, out _);
        return errors.Count == 0 ? WolverineContinue.NoProblems : Problems.InvalidRequest(errors);
    }

    public static async Task<NewConcert> LoadAsync(CreateConcertRequest request, VenueTime venue,
        IQuerySession session, CancellationToken cancellation)
    {
        Parse(request, venue, out var schedules);
        var concertId = await CatalogStore.NextConcertIdAsync(session, cancellation);
        var scheduleIds = await CatalogStore.NextScheduleIdsAsync(session, schedules.Count, cancellation);
        return new NewConcert(concertId, request.Title!.Trim(),
            schedules.Select((schedule, i) => schedule with { ScheduleId = scheduleIds[i] }).ToList());
    }

    [WolverinePost("/admin/concerts")]
    [ResponseHeader(201, "Location", "The concert's schedules: /concerts/{concertId}/schedules.")]
    [Tags("Admin")]
    [EndpointSummary("Put a concert on sale with its schedules; every schedule has seats 1..50.")]
    [ProblemResponse(400, ProblemCodes.InvalidRequest, "The request is not valid.")]
    public static (ConcertCreatedResponse, IEnumerable<IMartenOp>) Post(CreateConcertRequest request, NewConcert concert)
    {
        var response = new ConcertCreatedResponse(concert.ConcertId, concert.Title,
            concert.Schedules.Select(s => new CreatedSchedule(s.ScheduleId, s.StartAt)).ToList());
        return (response, StartStreams(ConcertOpening.Open(concert)));
    }

    public static IEnumerable<IMartenOp> StartStreams(ConcertOpening opening) =>
        opening.Seats
            .Select(seat => (IMartenOp)MartenOps.StartStream<Seat>(Seat.StreamKey(seat.ScheduleId, seat.SeatNumber), seat))
            .Prepend(MartenOps.StartStream<ConcertListing>(
                ConcertListing.StreamKey(opening.ConcertId),
                [.. opening.ConcertEvents]));

    /// <returns>Field name to message for each problem; the schedules come back unnumbered (ScheduleId 0).</returns>
    private static Dictionary<string, string> Parse(CreateConcertRequest request, VenueTime venue,
        out List<NewSchedule> schedules)
    {
        var errors = new Dictionary<string, string>();
        schedules = [];
        if (string.IsNullOrWhiteSpace(request.Title) || request.Title.Trim().Length > MaxTitleLength)
        {
            errors["title"] = $"title is required, at most {MaxTitleLength} characters.";
        }

        if (request.Schedules is not { Count: > 0 and <= MaxSchedules })
        {
            errors["schedules"] = $"schedules must list 1 to {MaxSchedules} schedules.";
            return errors;
        }

        for (var i = 0; i < request.Schedules.Count; i++)
        {
            var field = $"schedules[{i}]";
            var schedule = request.Schedules[i];
            if (schedule is null)
            {
                errors[field] = "a schedule is required.";
                continue;
            }

            if (!TryParseStartAt(schedule.StartAt, venue, out var startAt))
            {
                errors[$"{field}.startAt"] = "startAt must be an ISO-8601 date-time, e.g. 2025-09-01T19:00:00.";
            }

            var prices = new Dictionary<int, long>();
            foreach (var (seat, price) in schedule.Prices ?? new Dictionary<string, long>())
            {
                if (!int.TryParse(seat, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || !Venue.IsSeat(number))
                {
                    errors[$"{field}.prices.{seat}"] = $"seat numbers run from 1 to {Venue.SeatCount}.";
                }
                else if (price <= 0)
                {
                    errors[$"{field}.prices.{seat}"] = "a price is a positive whole amount of KRW.";
                }
                else
                {
                    prices[number] = price;
                }
            }

            schedules.Add(new NewSchedule(0, startAt, prices));
        }

        return errors;
    }

    private static bool TryParseStartAt(string? text, VenueTime venue, out DateTime startAt)
    {
        startAt = default;
        if (text is null || !IsoDateTime().IsMatch(text)
            || !DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed))
        {
            return false;
        }

        startAt = parsed.Kind == DateTimeKind.Unspecified ? parsed : venue.ToVenueClock(parsed.ToUniversalTime());
        return true;
    }

    /// <summary>A start time as sent: the venue's wall-clock time, or an instant with Z or an offset.</summary>
    public const string StartAtPattern = @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?$";

    [GeneratedRegex(StartAtPattern)]
    private static partial Regex IsoDateTime();
}
