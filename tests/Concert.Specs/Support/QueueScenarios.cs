using Alba;

namespace Concert.Specs.Support;

/// <summary>Scenarios on the queue app's host and clock (in its collection), each starting from a line nobody stands in.</summary>
public abstract class QueueScenarios(QueueApp app) : IAsyncLifetime
{
    protected QueueApp App { get; } = app;

    protected IAlbaHost Host => App.Host;

    public virtual Task InitializeAsync() => App.EmptyTheLine();

    public virtual Task DisposeAsync() => Task.CompletedTask;
}
