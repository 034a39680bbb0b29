namespace Concert.Api.Catalog;

/// <summary>Concert start times are the venue's wall-clock time, in Catalog:TimeZone.</summary>
public sealed class VenueTime(TimeZoneInfo zone)
{
    public static VenueTime From(IConfiguration configuration) =>
        new(TimeZoneInfo.FindSystemTimeZoneById(configuration["Catalog:TimeZone"] ?? "Asia/Seoul"));

    public TimeZoneInfo Zone => zone;

    public DateTime ToVenueClock(DateTimeOffset instant) =>
        DateTime.SpecifyKind(TimeZoneInfo.ConvertTime(instant, zone).DateTime, DateTimeKind.Unspecified);
}
