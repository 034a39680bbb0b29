using System.Collections.Concurrent;
using Concert.Api.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Concert.Specs.Support;

/// <summary>The service as <see cref="ConcertApp"/>, whose log entries the scenario can read, Marten's commands' from Debug.</summary>
public sealed class LoggedApp : SpecApp, ILoggerProvider
{
    public sealed record Entry(string Category, LogLevel Level, string Message);

    public ConcurrentQueue<Entry> Entries { get; } = new();

    protected override void Configure(IWebHostBuilder web)
    {
        web.UseSetting("Queue:MaxActive", "100000");
        web.UseSetting("Queue:AdmissionInterval", "00:00:00.050");
        web.UseSetting($"Logging:LogLevel:{typeof(MartenCommandLog).FullName}", "Debug");
        web.ConfigureServices(services => services.AddLogging(logging => logging.AddProvider(this)));
    }

    ILogger ILoggerProvider.CreateLogger(string categoryName) => new Capture(categoryName, Entries);

    void IDisposable.Dispose()
    {
    }

    private sealed class Capture(string category, ConcurrentQueue<Entry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new Entry(category, logLevel, formatter(state, exception)));
    }
}
