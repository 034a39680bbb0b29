using System.Linq.Expressions;
using Concert.Domain.Catalog;
using Marten.Linq;

namespace Concert.Api.Catalog;

/// <summary>The seat rows of one schedule in seat order; compiled once, as the hottest read of a rush.</summary>
public sealed class SeatsOfSchedule : ICompiledListQuery<Seat>
{
    public long ScheduleId { get; init; }

    public Expression<Func<IMartenQueryable<Seat>, IEnumerable<Seat>>> QueryIs() =>
        seats => seats.Where(seat => seat.ScheduleId == ScheduleId).OrderBy(seat => seat.Number);
}
