namespace Concert.Api.Catalog;

/// <summary>Concert start times are the venue's wall-clock time, in Catalog:TimeZone.</summary>
public sealed class VenueTime(TimeZoneInfo zone)
{
    public static VenueTime From(IConfiguration configuration) =>
        new(TimeZoneInfo.FindSystemTimeZoneById(configuration["Catalog:TimeZone"] ?? "Asia/Seoul"));

    public TimeZoneInfo Zone => zone;

    /// <summary>The instant a wall-clock time of the venue stands for.</summary>
    public DateTimeOffset ToInstant(DateTime venueClock) =>
        new(DateTime.SpecifyKind(venueClock, DateTimeKind.Unspecified), zone.GetUtcOffset(venueClock));

    public DateTime ToVenueClock(DateTimeOffset instant) =>
        DateTime.SpecifyKind(TimeZoneInfo.ConvertTime(instant, zone).DateTime, DateTimeKind.Unspecified);
}
