// Shared by the C# bench drivers: latencies in the format of bench/lua/report.lua.
/// <summary>Latencies and failures of one step (or of whole journeys) in the measured window.</summary>
sealed class Step
{
    private readonly List<double> _milliseconds = [];
    private int _errors;

    public void Record(TimeSpan took, bool ok, bool measured)
    {
        if (!measured) return;
        lock (_milliseconds)
        {
            if (ok) _milliseconds.Add(took.TotalMilliseconds);
            else _errors++;
        }
    }

    public void Print(string name, double seconds)
    {
        var sorted = _milliseconds.Order().ToArray();
        double At(double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p / 100 * sorted.Length))];
        Console.WriteLine($"RESULT step={name} requests={sorted.Length} rps={sorted.Length / seconds:F0} p50={At(50):F1} p95={At(95):F1} p99={At(99):F1} errors={_errors}");
    }
}
