// Refunds, and cancelled shows. Fans who paid for a seat of their own (each granted the money, admitted again after
// the payment ended its token) ask for their refunds with REFUND_CONNECTIONS at once, as fast as answered or, with
// REFUNDS_PER_SECOND, at that pace; the first fifth warms up. Then CANCEL_SCHEDULES schedules with all 50 seats paid
// (a fan each) are cancelled at once: the time until the operator's answers, and until every schedule reads settled
// (every ticket refunded) on GET /admin/schedules/{id}.
// Usage: Refunds URL ADMIN_KEY REFUND_FANS CANCEL_SCHEDULES REFUND_CONNECTIONS [REFUNDS_PER_SECOND]
// Prints RESULT lines in the format of bench/lua/report.lua, and a CANCEL line.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

var (url, adminKey, refundFans, cancelSchedules, connections) =
    (args[0], args[1], int.Parse(args[2]), int.Parse(args[3]), int.Parse(args[4]));
var refundsPerSecond = args.Length > 5 ? double.Parse(args[5], CultureInfo.InvariantCulture) : 0;
const int seatsPerSchedule = 50;
var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(url) };
var clock = Stopwatch.StartNew();

await SendAsync(HttpMethod.Patch, "/admin/queue", new { maxActive = 1_000_000 }, admin: true);

// Refunds.
var ticketsToRefund = await PaidTicketsAsync(refundFans, readmitted: true);
var warmup = ticketsToRefund.Length / 5;
await RefundAsync(ticketsToRefund[..warmup], new Step(), measured: false);
var refunds = new Step();
var from = clock.Elapsed;
await RefundAsync(ticketsToRefund[warmup..], refunds, measured: true);
refunds.Print("refund", (clock.Elapsed - from).TotalSeconds);

// Cancelled shows.
var cancelled = await PaidTicketsAsync(cancelSchedules * seatsPerSchedule, readmitted: false);
var scheduleIds = cancelled.Select(ticket => ticket.ScheduleId).Distinct().ToArray();
var cancelStarted = clock.Elapsed;
await ForEachAsync(scheduleIds, 8, async scheduleId =>
    await SendAsync(HttpMethod.Post, $"/admin/schedules/{scheduleId}/cancel", null, admin: true, expected: HttpStatusCode.Accepted));
var answered = clock.Elapsed - cancelStarted;
var unsettled = new HashSet<long>(scheduleIds);
var giveUp = clock.Elapsed + TimeSpan.FromMinutes(2);
while (unsettled.Count > 0)
{
    if (clock.Elapsed > giveUp) throw new TimeoutException($"never settled: schedules {string.Join(", ", unsettled)}");
    await ForEachAsync(unsettled.ToArray(), 8, async scheduleId =>
    {
        var overview = await SendAsync(HttpMethod.Get, $"/admin/schedules/{scheduleId}", null, admin: true);
        if (overview["cancellation"]!["complete"]!.GetValue<bool>()) lock (unsettled) unsettled.Remove(scheduleId);
    });
    if (unsettled.Count > 0) await Task.Delay(100);
}

var settled = clock.Elapsed - cancelStarted;
Console.WriteLine($"CANCEL schedules={scheduleIds.Length} tickets={cancelled.Length} answeredSeconds={answered.TotalSeconds:F2} " +
                  $"settledSeconds={settled.TotalSeconds:F2} refundsPerSecond={cancelled.Length / settled.TotalSeconds:F0}");

async Task RefundAsync(Ticket[] tickets, Step step, bool measured)
{
    var pace = refundsPerSecond > 0 ? TimeSpan.FromSeconds(1 / refundsPerSecond) : TimeSpan.Zero;
    var started = clock.Elapsed;
    var next = -1;
    await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
    {
        for (var i = Interlocked.Increment(ref next); i < tickets.Length; i = Interlocked.Increment(ref next))
        {
            var due = started + pace * i;
            if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed);
            var ticket = tickets[i];
            var sent = clock.Elapsed;
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/reservations/{ticket.ReservationId}/refund");
            request.Headers.Add("X-Queue-Token", ticket.Token);
            request.Headers.Add("Idempotency-Key", $"refund-{ticket.ReservationId}");
            using var response = await http.SendAsync(request);
            step.Record(clock.Elapsed - sent, response.StatusCode == HttpStatusCode.OK, measured);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Console.Error.WriteLine($"refund {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }
    })));
}

// COUNT fans, each admitted, granted what its seat costs and holding and paying a seat of its own (schedule by
// schedule, every seat); READMITTED: back through the line afterwards, as a refund needs a live token.
async Task<Ticket[]> PaidTicketsAsync(int count, bool readmitted)
{
    var schedules = await OpenSchedulesAsync((count + seatsPerSchedule - 1) / seatsPerSchedule);
    var fans = await AdmittedAsync(Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToArray());
    var tickets = new Ticket[count];
    await ForEachAsync(Enumerable.Range(0, count).ToArray(), 64, async i =>
    {
        var (userId, token) = fans[i];
        var (concertId, scheduleId) = schedules[i / seatsPerSchedule];
        await SendAsync(HttpMethod.Patch, $"/admin/users/{userId}/grant", new { amount = 200_000 }, admin: true);
        var hold = await SendAsync(HttpMethod.Post, "/reservations",
            new { userId, concertId, scheduleId, seatNumber = i % seatsPerSchedule + 1 }, token: token, expected: HttpStatusCode.Created);
        var (reservationId, price) = (hold["reservationId"]!.GetValue<long>(), hold["price"]!.GetValue<long>());
        await SendAsync(HttpMethod.Post, "/payments", new { reservationId, amount = price }, token: token, expected: HttpStatusCode.Created);
        tickets[i] = new Ticket(userId, token, scheduleId, reservationId);
    });
    if (!readmitted) return tickets;
    var again = await AdmittedAsync(tickets.Select(ticket => ticket.UserId).ToArray());
    return tickets.Select((ticket, i) => ticket with { Token = again[i].Token }).ToArray();
}

// Tokens for these fans, once the admission job has let the last of them in.
async Task<(Guid UserId, string Token)[]> AdmittedAsync(Guid[] userIds)
{
    var tokens = new string[userIds.Length];
    await ForEachAsync(Enumerable.Range(0, userIds.Length).ToArray(), 64, async i =>
        tokens[i] = (await SendAsync(HttpMethod.Post, "/waiting/issue", new { userId = userIds[i] }))["token"]!.GetValue<string>());
    foreach (var token in tokens.Reverse())
    {
        while (!(await SendAsync(HttpMethod.Get, "/waiting/check", null, token: token))["active"]!.GetValue<bool>())
        {
            await Task.Delay(200);
        }
    }

    return userIds.Zip(tokens).ToArray();
}

async Task<(long ConcertId, long ScheduleId)[]> OpenSchedulesAsync(int count)
{
    var opened = new List<(long, long)>();
    for (var left = count; left > 0; left -= 100)
    {
        var schedules = Enumerable.Range(0, Math.Min(left, 100)).Select(_ => new { startAt = "2027-06-01T19:00:00" }).ToArray();
        var concert = await SendAsync(HttpMethod.Post, "/admin/concerts", new { title = "Bench refunds", schedules }, admin: true,
            expected: HttpStatusCode.Created);
        var concertId = concert["concertId"]!.GetValue<long>();
        opened.AddRange(concert["schedules"]!.AsArray().Select(s => (concertId, s!["scheduleId"]!.GetValue<long>())));
    }

    return opened.ToArray();
}

async Task ForEachAsync<T>(T[] items, int atOnce, Func<T, Task> act)
{
    var next = -1;
    await Task.WhenAll(Enumerable.Range(0, atOnce).Select(_ => Task.Run(async () =>
    {
        for (var i = Interlocked.Increment(ref next); i < items.Length; i = Interlocked.Increment(ref next)) await act(items[i]);
    })));
}

async Task<JsonObject> SendAsync(HttpMethod method, string path, object? body, bool admin = false, string? token = null,
    HttpStatusCode expected = HttpStatusCode.OK)
{
    using var request = new HttpRequestMessage(method, path);
    if (admin) request.Headers.Add("X-Admin-Key", adminKey);
    if (token is not null) request.Headers.Add("X-Queue-Token", token);
    if (method == HttpMethod.Post && path is "/reservations" or "/payments") request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
    if (body is not null) request.Content = JsonContent.Create(body);
    using var response = await http.SendAsync(request);
    var json = await response.Content.ReadAsStringAsync();
    if (response.StatusCode != expected) throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {json}");
    return JsonNode.Parse(json)!.AsObject();
}

sealed record Ticket(Guid UserId, string Token, long ScheduleId, long ReservationId);
