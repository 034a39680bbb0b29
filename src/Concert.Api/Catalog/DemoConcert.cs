using Concert.Domain.Catalog;
using Marten;
using Marten.Schema;

namespace Concert.Api.Catalog;

/// <summary>
/// When Demo:SeedConcert is on (Development), a first start finds one concert with a few schedules, so the
/// catalog shows something at once. It is opened through the same decision as POST /admin/concerts.
/// </summary>
public sealed class DemoConcert(TimeProvider clock, VenueTime venue) : IInitialData
{
    public const string Title = "Concert Demo Night";

    public async Task Populate(IDocumentStore store, CancellationToken cancellation)
    {
        await using var session = store.LightweightSession();
        if (await session.Query<ConcertListing>().AnyAsync(cancellation))
        {
            return;
        }

        var firstNight = venue.ToVenueClock(clock.GetUtcNow()).Date.AddDays(7).AddHours(19);
        var scheduleIds = await CatalogStore.NextScheduleIdsAsync(session, 3, cancellation);
        var concert = new NewConcert(
            await CatalogStore.NextConcertIdAsync(session, cancellation),
            Title,
            scheduleIds.Select((id, night) => new NewSchedule(id, firstNight.AddDays(night), new Dictionary<int, long>()))
                .ToList());

        foreach (var operation in CreateConcertEndpoint.StartStreams(ConcertOpening.Open(concert)))
        {
            operation.Execute(session);
        }

        await session.SaveChangesAsync(cancellation);
    }
}
