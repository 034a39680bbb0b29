namespace Concert.Api.Infrastructure;

/// <summary>Background work done again at every tick: a round that fails is reported, and the next tick tries again.</summary>
public static class Periodic
{
    public static async Task RunAsync(PeriodicTimer timer, Func<CancellationToken, Task> work, Action<Exception> failed,
        CancellationToken stoppingToken)
    {
        using (timer)
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await work(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failed(e);
                }
            }
        }
    }
}
