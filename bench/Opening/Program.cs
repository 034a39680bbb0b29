// A sale's opening: FANS distinct fans take a place in the ARRIVAL_SECONDS before opensAt (evenly paced), then every
// fan polls GET /waiting/check when its hint (Retry-After / pollAfterSeconds) says, never sooner, until AFTER_SECONDS
// after the opening. Reports the pre-queue's checks/s, the draw (from the support replay, which also verifies the
// order against the recorded seed), when the last fan learned its drawn place, and the crowd's checks/s with the hints
// followed after the opening; any lapse (401) is a failure.
// Usage: Opening URL ADMIN_KEY FANS ARRIVAL_SECONDS AFTER_SECONDS
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

var (url, adminKey, fans, arrival, after) = (args[0], args[1], int.Parse(args[2]), int.Parse(args[3]), int.Parse(args[4]));
const int connections = 64;
var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections }) { BaseAddress = new Uri(url) };
var clock = Stopwatch.StartNew();
var opensAt = DateTimeOffset.UtcNow.AddSeconds(arrival + 2);
var openingOnClock = clock.Elapsed + TimeSpan.FromSeconds(arrival + 2);
var endOnClock = openingOnClock + TimeSpan.FromSeconds(after);
await Admin(HttpMethod.Patch, "/admin/queue", new { opensAt });

var due = new PriorityQueue<Fan, TimeSpan>();
var gate = new Lock();
var (checksBefore, checksAfter, lapses, failures) = (0L, 0L, 0L, 0L);
TimeSpan lastToLearn = TimeSpan.Zero;
var learned = 0;

// Arrivals, paced evenly over the arrival window; each fan's first poll as its issue answer says.
var issuing = Task.WhenAll(Enumerable.Range(0, connections).Select(worker => Task.Run(async () =>
{
    for (var i = worker; i < fans; i += connections)
    {
        var at = TimeSpan.FromSeconds(arrival * (double)i / fans);
        if (at > clock.Elapsed) await Task.Delay(at - clock.Elapsed);
        var answer = await http.PostAsJsonAsync("/waiting/issue", new { userId = Guid.NewGuid() });
        if (answer.StatusCode != HttpStatusCode.OK) { Interlocked.Increment(ref failures); continue; }
        var status = await answer.Content.ReadFromJsonAsync<JsonObject>();
        var fan = new Fan(status!["token"]!.GetValue<string>());
        lock (gate) due.Enqueue(fan, clock.Elapsed + TimeSpan.FromSeconds(status["pollAfterSeconds"]!.GetValue<int>()));
    }
})));

var polling = Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(PollAsync)));
var drawn = await DrawAsync();
await issuing;
await polling;

var afterSeconds = (clock.Elapsed - openingOnClock).TotalSeconds;
Console.WriteLine($"RESULT fans={fans} arrivalSeconds={arrival} preQueueChecksPerSecond={checksBefore / (double)arrival:0} " +
                  $"drawCount={drawn?["count"]} drawMatches={drawn?["matches"]} placesMatch={drawn?["placesMatch"]} " +
                  $"drawDurationMs={drawDuration.TotalMilliseconds:0} drawCommittedAfterOpeningMs={drawCommitted.TotalMilliseconds:0} " +
                  $"learned={learned} lastLearnedAfterOpeningS={lastToLearn.TotalSeconds:0.0} " +
                  $"checksPerSecondAfterOpening={checksAfter / afterSeconds:0} lapses={lapses} failures={failures}");

async Task PollAsync()
{
    while (clock.Elapsed < endOnClock)
    {
        Fan? fan = null;
        TimeSpan when = default;
        lock (gate)
        {
            if (due.TryPeek(out var next, out when) && when <= clock.Elapsed) fan = due.Dequeue();
        }

        if (fan is null)
        {
            await Task.Delay(fan is null && when > clock.Elapsed ? TimeSpan.FromMilliseconds(Math.Min(50, (when - clock.Elapsed).TotalMilliseconds + 1)) : TimeSpan.FromMilliseconds(20));
            continue;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/waiting/check");
        request.Headers.Add("X-Queue-Token", fan.Token);
        var answer = await http.SendAsync(request);
        var opened = clock.Elapsed >= openingOnClock;
        Interlocked.Increment(ref opened ? ref checksAfter : ref checksBefore);
        if (answer.StatusCode == HttpStatusCode.Unauthorized) { Interlocked.Increment(ref lapses); continue; }
        if (answer.StatusCode != HttpStatusCode.OK) { Interlocked.Increment(ref failures); lock (gate) due.Enqueue(fan, clock.Elapsed + TimeSpan.FromSeconds(1)); continue; }
        var status = await answer.Content.ReadFromJsonAsync<JsonObject>();
        if (status!["status"]!.GetValue<string>() != "PRE_QUEUE" && !fan.Learned)
        {
            fan.Learned = true;
            lock (gate)
            {
                learned++;
                if (clock.Elapsed - openingOnClock > lastToLearn) lastToLearn = clock.Elapsed - openingOnClock;
            }
        }

        lock (gate) due.Enqueue(fan, clock.Elapsed + TimeSpan.FromSeconds(status["pollAfterSeconds"]!.GetValue<int>()));
    }
}

async Task<JsonObject?> DrawAsync()
{
    if (openingOnClock > clock.Elapsed) await Task.Delay(openingOnClock - clock.Elapsed);
    while (clock.Elapsed < endOnClock)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/support/queue/draw");
        request.Headers.Add("X-Admin-Key", adminKey);
        var answer = await http.SendAsync(request);
        if (answer.StatusCode == HttpStatusCode.OK)
        {
            drawCommitted = clock.Elapsed - openingOnClock;
            var audit = await answer.Content.ReadFromJsonAsync<JsonObject>();
            drawDuration = drawCommitted - (DateTimeOffset.Parse(audit!["drawnAt"]!.GetValue<string>()) - opensAt);
            return audit;
        }

        await Task.Delay(100);
    }

    return null;
}

async Task Admin(HttpMethod method, string path, object body)
{
    using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
    request.Headers.Add("X-Admin-Key", adminKey);
    (await http.SendAsync(request)).EnsureSuccessStatusCode();
}

partial class Program
{
    private static TimeSpan drawCommitted;
    private static TimeSpan drawDuration;
}

sealed class Fan(string token)
{
    public string Token { get; } = token;
    public bool Learned { get; set; }
}
