using Concert.Api.Idempotency;
using Concert.Api.Catalog;
using Concert.Api.Infrastructure;
using Concert.Api.Queue;
using Concert.Api.Wallet;
using Concert.Domain.Catalog;
using Concert.Domain.Queue;
using Concert.Domain.Reservations;
using Concert.Domain.Wallet;
using JasperFx.Events;
using Marten;

namespace Concert.Api.Support;

/// <summary>One recorded event as support staff read it: what, where, when, why (correlation, Idempotency-Key) and its data.</summary>
public sealed record HistoryEvent(
    string Type,
    string Stream,
    long Version,
    long Sequence,
    DateTimeOffset Timestamp,
    string? CorrelationId,
    string? IdempotencyKey,
    object Data);

/// <summary>Every event of what support asked about, oldest first.</summary>
public sealed record History(string Subject, IReadOnlyList<HistoryEvent> Events);

/// <summary>A schedule's seat map as it stood at an instant, rebuilt from the seats' events.</summary>
public sealed record SeatMapAt(long ScheduleId, DateTimeOffset At, IReadOnlyList<SeatItem> Seats);

/// <summary>A fan's balance as it stood at an instant, rebuilt from the wallet's events.</summary>
public sealed record BalanceAt(Guid UserId, DateTimeOffset At, long Balance);

/// <summary>A draw of the pre-queue as support replays it.</summary>
/// <param name="Digest">The digest the draw recorded.</param>
/// <param name="ReplayedDigest">The digest of the order recomputed from the recorded seed and entrants.</param>
/// <param name="Matches">The recomputed order is the recorded one.</param>
/// <param name="PlacesMatch">Each drawn fan's stream records the place that order gives them (FirstSeq onwards).</param>
/// <param name="Order">The first entries (entry numbers, in arrival order from 1) in drawn order.</param>
public sealed record DrawAudit(DateTimeOffset DrawnAt, string Seed, int Count, long FirstSeq, string Digest,
    string ReplayedDigest, bool Matches, bool PlacesMatch, IReadOnlyList<long> Order)
{
    public const int FirstShown = 100;
}

/// <summary>Replays of the event store for support: the HTTP endpoints and the `support` command read through here.</summary>
public static class SupportReplay
{
    public static Task<History> ReservationAsync(IQuerySession session, long reservationId, CancellationToken cancellation) =>
        StreamAsync(session, $"reservation {reservationId}", Reservation.StreamKey(reservationId), cancellation);

    public static Task<History> SeatAsync(IQuerySession session, long scheduleId, int seatNumber, CancellationToken cancellation) =>
        StreamAsync(session, $"seat {seatNumber} of schedule {scheduleId}", Seat.StreamKey(scheduleId, seatNumber), cancellation);

    public static Task<History> WalletAsync(IQuerySession session, Guid userId, CancellationToken cancellation) =>
        StreamAsync(session, $"wallet of {userId}", FanWallet.StreamKey(userId), cancellation);

    /// <summary>
    /// The events of one queue token (a fan's ticket stream carries all their tokens). The fan is found by the
    /// ticket's current or previous token, else by a scan of the TokenIssued events (support's occasional question
    /// about an old token, not a hot path).
    /// </summary>
    public static async Task<History> TokenAsync(IQuerySession session, string token, CancellationToken cancellation)
    {
        var ticket = await QueueStore.TicketByTokenAsync(session, token, cancellation)
                     ?? await QueueStore.TicketByPreviousTokenAsync(session, token, cancellation);
        var streamKey = ticket?.Id ?? await QueueStore.TicketStreamOfIssuedTokenAsync(session, token, cancellation);
        if (streamKey is null) return new History($"token {token}", []);
        var history = await StreamAsync(session, $"token {token}", streamKey, cancellation);
        return history with { Events = history.Events.Where(e => TokenOf(e.Data) == token).ToList() };
    }

    /// <summary>
    /// The last draw of the pre-queue, replayed from its events: the order recomputed from the recorded seed and entrants
    /// against the recorded digest, and the places the fans' own streams say they were given against that order.
    /// </summary>
    public static async Task<DrawAudit?> DrawAsync(IQuerySession session, CancellationToken cancellation)
    {
        var events = await session.Events.FetchStreamAsync(QueueControl.StreamKey, token: cancellation);
        if (events.Select(e => e.Data).OfType<PreQueueDrawn>().LastOrDefault() is not { } drawn) return null;
        var (order, matches) = PreQueueDraw.Replay(drawn);
        var given = (await QueueStore.DrawnPlacesAsync(session, drawn.FirstSeq, drawn.Count, cancellation))
            .ToDictionary(place => place.Entry, place => place.Place);
        var placesMatch = given.Count == order.Length
                          && order.Select((entry, i) => given.GetValueOrDefault(entry) == drawn.FirstSeq + i).All(same => same);
        return new DrawAudit(drawn.DrawnAt, drawn.Seed, drawn.Count, drawn.FirstSeq, drawn.Digest, PreQueueDraw.Digest(order),
            matches, placesMatch, order.Take(DrawAudit.FirstShown).ToList());
    }

    public static async Task<SeatMapAt?> SeatMapAsync(IQuerySession session, long scheduleId, DateTimeOffset at,
        CancellationToken cancellation)
    {
        var seats = new List<SeatItem>();
        for (var number = 1; number <= Venue.SeatCount; number++)
        {
            var seat = await session.Events.AggregateStreamAsync<Seat>(Seat.StreamKey(scheduleId, number), timestamp: at,
                token: cancellation);
            if (seat is not null) seats.Add(new SeatItem(seat.Number, seat.StatusAt(at), seat.Price));
        }

        return seats.Count == 0 ? null : new SeatMapAt(scheduleId, at, seats);
    }

    public static async Task<BalanceAt> BalanceAsync(IQuerySession session, Guid userId, DateTimeOffset at,
        CancellationToken cancellation)
    {
        var wallet = await session.Events.AggregateStreamAsync<FanWallet>(FanWallet.StreamKey(userId), timestamp: at,
            token: cancellation);
        return new BalanceAt(userId, at, wallet?.Balance ?? 0);
    }

    private static async Task<History> StreamAsync(IQuerySession session, string subject, string streamKey,
        CancellationToken cancellation)
    {
        var events = await session.Events.FetchStreamAsync(streamKey, token: cancellation);
        return new History(subject, events.Select(Describe).ToList());
    }

    private static HistoryEvent Describe(IEvent e) =>
        new(e.EventType.Name, e.StreamKey!, e.Version, e.Sequence, e.Timestamp, e.CorrelationId,
            e.Headers is { } headers && headers.TryGetValue(IdempotencyKeys.EventHeader, out var key) ? key?.ToString() : null,
            e.Data);

    private static string? TokenOf(object data) => data switch
    {
        TokenIssued issued => issued.Token,
        TokenRenewed renewed => renewed.Token,
        TokenAdmitted admitted => admitted.Token,
        TokenExpired expired => expired.Token,
        PlaceDrawn drawn => drawn.Token,
        _ => null,
    };
}
