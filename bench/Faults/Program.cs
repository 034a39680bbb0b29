// Fans going the whole way while bench/faults.sh breaks things: issue → check until admitted → hold → charge →
// (every other fan) pay → (every other payer) back through the line → refund. A request whose answer is lost (no connection, a reset, a timeout) or that gets 503 is sent again
// with the same Idempotency-Key, to the next node, until it is answered. Runs until the file STOP_FILE exists.
// Usage: Faults URL[,URL...] FANS_AT_ONCE OUT_DIR STOP_FILE "concertId:scheduleId,..."
// Writes OUT_DIR/holds.txt (reservation ids answered 201), OUT_DIR/payments.txt (reservation and payment ids answered
// 201), OUT_DIR/refunds.txt (reservation ids whose refund was answered 200), OUT_DIR/statuses.txt (answers by step and status) and OUT_DIR/server-errors.txt (every 5xx but 503).
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

var urls = args[0].Split(',').Select(url => new Uri(url)).ToArray();
var (fansAtOnce, outDir, stopFile) = (int.Parse(args[1]), args[2], args[3]);
var schedules = args[4].Split(',').Select(pair => pair.Split(':')).Select(p => (Concert: long.Parse(p[0]), Schedule: long.Parse(p[1]))).ToArray();
var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = fansAtOnce, ConnectTimeout = TimeSpan.FromSeconds(2) })
{
    Timeout = TimeSpan.FromSeconds(10),
};
var statuses = new ConcurrentDictionary<string, int>();
var holds = new ConcurrentQueue<long>();
var payments = new ConcurrentQueue<(long Reservation, long Payment)>();
var refunds = new ConcurrentQueue<long>();
var serverErrors = new ConcurrentQueue<string>();
var next = 0;
using var stop = new CancellationTokenSource();
_ = Task.Run(async () =>
{
    while (!File.Exists(stopFile)) await Task.Delay(200);
    await stop.CancelAsync();
});

await Task.WhenAll(Enumerable.Range(0, fansAtOnce).Select(fan => Task.Run(() => FanAsync(fan))));
Directory.CreateDirectory(outDir);
await File.WriteAllLinesAsync(Path.Combine(outDir, "holds.txt"), holds.Select(id => id.ToString()));
await File.WriteAllLinesAsync(Path.Combine(outDir, "payments.txt"), payments.Select(p => $"{p.Reservation} {p.Payment}"));
await File.WriteAllLinesAsync(Path.Combine(outDir, "refunds.txt"), refunds.Select(id => id.ToString()));
await File.WriteAllLinesAsync(Path.Combine(outDir, "statuses.txt"), statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value}"));
await File.WriteAllLinesAsync(Path.Combine(outDir, "server-errors.txt"), serverErrors);

async Task FanAsync(int fan)
{
    var random = new Random(fan);
    while (!stop.IsCancellationRequested)
    {
        try
        {
            await JourneyAsync(random, pays: fan % 2 == 0);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            statuses.AddOrUpdate($"journey-failed {e.GetType().Name}", 1, (_, n) => n + 1);
            await Task.Delay(200);
        }
    }
}

async Task JourneyAsync(Random random, bool pays)
{
    var userId = Guid.NewGuid();
    if (await AdmittedAsync(userId) is not { } token) return; // the token lapsed while the node was down: a new fan starts over

    for (var attempt = 0; attempt < 5; attempt++)
    {
        var (concertId, scheduleId) = schedules[random.Next(schedules.Length)];
        var seatNumber = random.Next(1, 51);
        var (status, hold) = await SendAsync("hold", HttpMethod.Post, "/reservations", token,
            new { userId, concertId, scheduleId, seatNumber });
        if (status != HttpStatusCode.Created) continue;
        var reservationId = hold!["reservationId"]!.GetValue<long>();
        holds.Enqueue(reservationId);
        var price = hold["price"]!.GetValue<long>();
        await SendAsync("charge", HttpMethod.Patch, $"/users/{userId}/charge", token, new { amount = price + 10_000 });
        if (!pays) return;

        var (paid, payment) = await SendAsync("pay", HttpMethod.Post, "/payments", token, new { reservationId, amount = price });
        if (paid != HttpStatusCode.Created) return;
        payments.Enqueue((reservationId, payment!["paymentId"]!.GetValue<long>()));
        if (random.Next(2) == 0 || await AdmittedAsync(userId) is not { } again) return; // the payment ended the token

        var (refunded, _) = await SendAsync("refund", HttpMethod.Post, $"/reservations/{reservationId}/refund", again, null);
        if (refunded == HttpStatusCode.OK) refunds.Enqueue(reservationId);
        return;
    }
}

/// <summary>The fan's token once admitted; null when it lapsed on the way.</summary>
async Task<string?> AdmittedAsync(Guid userId)
{
    var (_, issued) = await SendAsync("issue", HttpMethod.Post, "/waiting/issue", null, new { userId });
    var token = issued!["token"]!.GetValue<string>();
    var active = issued["active"]!.GetValue<bool>();
    while (!active)
    {
        await Task.Delay(250, stop.Token);
        var (status, checkedIn) = await SendAsync("check", HttpMethod.Get, "/waiting/check", token, null);
        if (status != HttpStatusCode.OK) return null;
        active = checkedIn!["active"]!.GetValue<bool>();
    }

    return token;
}

/// <summary>Sends until answered (not 503): a lost answer or a 503 is sent again, same key, to the next node.</summary>
async Task<(HttpStatusCode Status, JsonObject? Body)> SendAsync(string step, HttpMethod method, string path, string? token,
    object? body)
{
    var key = Guid.NewGuid().ToString();
    for (var attempt = 1; ; attempt++)
    {
        stop.Token.ThrowIfCancellationRequested();
        var url = urls[(uint)Interlocked.Increment(ref next) % urls.Length];
        using var request = new HttpRequestMessage(method, new Uri(url, path));
        if (token is not null) request.Headers.Add("X-Queue-Token", token);
        if (method != HttpMethod.Get) request.Headers.Add("Idempotency-Key", key);
        if (body is not null) request.Content = JsonContent.Create(body);
        try
        {
            using var response = await http.SendAsync(request, stop.Token);
            var text = await response.Content.ReadAsStringAsync(stop.Token);
            var status = (int)response.StatusCode;
            statuses.AddOrUpdate($"{step} {status}", 1, (_, n) => n + 1);
            if (status >= 500 && status != 503) serverErrors.Enqueue($"{step} {status} {text}");
            var inFlight = response.StatusCode == HttpStatusCode.Conflict
                           && text.Contains("IDEMPOTENCY_KEY_IN_FLIGHT", StringComparison.Ordinal);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable || inFlight)
            {
                await Task.Delay(Math.Min(2_000, 100 * attempt), stop.Token);
                continue;
            }

            return (response.StatusCode, text.StartsWith('{') ? JsonNode.Parse(text)!.AsObject() : null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !stop.IsCancellationRequested)
        {
            statuses.AddOrUpdate($"{step} lost", 1, (_, n) => n + 1);
            await Task.Delay(Math.Min(2_000, 100 * attempt), stop.Token);
        }
    }
}
