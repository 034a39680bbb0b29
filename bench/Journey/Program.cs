// Fans going the whole way at once: issue → check until admitted → seat map → hold → charge → pay.
// Usage: Journey URL FANS_AT_ONCE WARMUP_SECONDS SECONDS "concertId:scheduleId,..." [JOURNEYS_PER_SECOND]
// With JOURNEYS_PER_SECOND (> 0) new journeys start at that pace, each by a free fan; else each fan starts its
// next journey as soon as it finished one.
// Prints a RESULT line per step and one for whole journeys, in the format of bench/lua/report.lua.
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

var (url, fansAtOnce, warmup, seconds) = (args[0], int.Parse(args[1]), int.Parse(args[2]), int.Parse(args[3]));
var journeysPerSecond = args.Length > 5 ? double.Parse(args[5]) : 0;
var pace = journeysPerSecond > 0 ? TimeSpan.FromSeconds(1 / journeysPerSecond) : TimeSpan.Zero;
var nextStart = TimeSpan.Zero;
var startGate = new Lock();
var schedules = args[4].Split(',').Select(pair => pair.Split(':')).Select(p => (Concert: long.Parse(p[0]), Schedule: long.Parse(p[1]))).ToArray();
var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = fansAtOnce }) { BaseAddress = new Uri(url) };
var steps = new[] { "issue", "check", "seats", "hold", "charge", "pay" }.ToDictionary(s => s, _ => new Step());
var journeys = new Step();
var measuring = false;
var stop = new CancellationTokenSource(TimeSpan.FromSeconds(warmup + seconds));
var clock = Stopwatch.StartNew();
var measuredFrom = TimeSpan.Zero;

_ = Task.Delay(TimeSpan.FromSeconds(warmup)).ContinueWith(_ => { measuredFrom = clock.Elapsed; measuring = true; });
await Task.WhenAll(Enumerable.Range(0, fansAtOnce).Select(fan => Task.Run(() => FanAsync(fan))));
var measured = (clock.Elapsed - measuredFrom).TotalSeconds;
foreach (var (name, step) in steps) step.Print(name, measured);
journeys.Print("journey", measured);

async Task FanAsync(int fan)
{
    var random = new Random(fan);
    while (!stop.IsCancellationRequested)
    {
        if (pace > TimeSpan.Zero)
        {
            TimeSpan slot;
            lock (startGate) slot = nextStart = TimeSpan.FromTicks(Math.Max(clock.Elapsed.Ticks, (nextStart + pace).Ticks));
            if (slot > clock.Elapsed) await Task.Delay(slot - clock.Elapsed);
        }

        var started = clock.Elapsed;
        var counted = measuring;
        try
        {
            var completed = await JourneyAsync(random);
            if (!completed) Console.Error.WriteLine("a fan found no free seat in 5 tries");
            journeys.Record(clock.Elapsed - started, completed, counted && measuring);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JourneyFailed)
        {
            if (stop.IsCancellationRequested) continue;
            journeys.Record(clock.Elapsed - started, ok: false, counted && measuring);
            Console.Error.WriteLine(e.Message);
        }
    }
}

async Task<bool> JourneyAsync(Random random)
{
    var userId = Guid.NewGuid();
    var issued = await SendAsync("issue", HttpMethod.Post, "/waiting/issue", null, new { userId }, HttpStatusCode.OK);
    var token = issued["token"]!.GetValue<string>();
    var active = issued["active"]!.GetValue<bool>();
    while (!active)
    {
        await Task.Delay(250);
        active = (await SendAsync("check", HttpMethod.Get, "/waiting/check", token, null, HttpStatusCode.OK))["active"]!.GetValue<bool>();
    }

    for (var attempt = 0; attempt < 5; attempt++)
    {
        var (concertId, scheduleId) = schedules[random.Next(schedules.Length)];
        var map = await SendAsync("seats", HttpMethod.Get, $"/concerts/{concertId}/schedules/{scheduleId}/seats", token, null, HttpStatusCode.OK);
        var free = map["seats"]!.AsArray().Where(s => s!["status"]!.GetValue<string>() == "AVAILABLE").ToList();
        if (free.Count == 0) continue;
        var seat = free[random.Next(free.Count)]!;
        var hold = await SendAsync("hold", HttpMethod.Post, "/reservations", token,
            new { userId, concertId, scheduleId, seatNumber = seat["number"]!.GetValue<int>() },
            HttpStatusCode.Created, HttpStatusCode.Conflict);
        if (hold["reservationId"] is null) continue; // another fan took the seat first

        var price = hold["price"]!.GetValue<long>();
        await SendAsync("charge", HttpMethod.Patch, $"/users/{userId}/charge", token, new { amount = price }, HttpStatusCode.OK);
        await SendAsync("pay", HttpMethod.Post, "/payments", token,
            new { reservationId = hold["reservationId"]!.GetValue<long>(), amount = price }, HttpStatusCode.Created);
        return true;
    }

    return false;
}

async Task<JsonObject> SendAsync(string step, HttpMethod method, string path, string? token, object? body,
    params HttpStatusCode[] expected)
{
    using var request = new HttpRequestMessage(method, path);
    if (token is not null) request.Headers.Add("X-Queue-Token", token);
    if (method != HttpMethod.Get) request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
    if (body is not null) request.Content = JsonContent.Create(body);
    var started = clock.Elapsed;
    var counted = measuring;
    using var response = await http.SendAsync(request, stop.Token);
    var json = await response.Content.ReadAsStringAsync(stop.Token);
    var ok = expected.Contains(response.StatusCode);
    steps[step].Record(clock.Elapsed - started, ok, counted && measuring);
    if (!ok) throw new JourneyFailed($"{step}: {(int)response.StatusCode} {json}");
    return JsonNode.Parse(json)!.AsObject();
}

sealed class JourneyFailed(string message) : Exception(message);
