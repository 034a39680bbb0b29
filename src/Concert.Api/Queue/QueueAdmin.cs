using Concert.Api.Infrastructure;
using Concert.Domain.Queue;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace Concert.Api.Queue;

/// <param name="Waiting">Live waiting fans, as of <paramref name="CountedAt"/> (the last admission run).</param>
/// <param name="OpensAt">When the sale opens and the pre-queue is drawn; null when no opening stands.</param>
public sealed record QueueOverview(int Waiting, int Active, int AdmittedLastMinute, int MaxActive, bool Paused,
    DateTimeOffset CountedAt, DateTimeOffset? OpensAt);

/// <summary>Any of the members, at least one.</summary>
/// <param name="OpensAt">When the sale opens (an instant): fans who come before stand in a pre-queue, drawn at that instant. Moves a standing opening; an instant already past opens at the next admission run.</param>
/// <param name="CancelOpening">true calls off the standing opening: its pre-queue joins the line in arrival order.</param>
public sealed record ChangeQueueRequest(int? MaxActive = null, bool? Paused = null, DateTimeOffset? OpensAt = null,
    bool? CancelOpening = null);

public static class QueueOverviewEndpoint
{
    [WolverineGet("/admin/queue")]
    [Tags("Admin")]
    [EndpointSummary("The waiting line at a glance: waiting and active fans, admissions in the last minute, MaxActive, paused.")]
    public static async Task<QueueOverview> Get(IDocumentStore store, QueueOptions options, CancellationToken cancellation)
    {
        // Read from the database, not this node's copy: the operator sees the latest count at once.
        await using var session = store.QuerySession();
        var (line, control, _) = await QueueStore.ReadLineAsync(session, cancellation);
        return Overview(line ?? LineSnapshot.Empty, control ?? QueueControl.Initial, options);
    }

    public static QueueOverview Overview(LineSnapshot line, QueueControl control, QueueOptions options) =>
        new(line.Waiting, line.Active, line.AdmittedLastMinute, control.MaxActive ?? options.MaxActive, control.Paused,
            line.ComputedAt, control.OpensAt);
}

public static class ChangeQueueEndpoint
{
    public const int MostActive = 1_000_000;

    public static ProblemDetails Validate(ChangeQueueRequest? request)
    {
        if (request is null) return Problems.BodyRequired();
        var errors = new Dictionary<string, string>();
        if (request is { MaxActive: null, Paused: null, OpensAt: null, CancelOpening: null })
        {
            errors["maxActive"] = "give maxActive, paused, opensAt or cancelOpening.";
        }

        if (request is { OpensAt: not null, CancelOpening: true }) errors["opensAt"] = "give opensAt or cancelOpening: true, not both.";
        if (request.MaxActive is < 1 or > MostActive) errors["maxActive"] = $"maxActive must be 1 to {MostActive}.";
        return errors.Count == 0 ? WolverineContinue.NoProblems : Problems.InvalidRequest(errors);
    }

    /// <summary>The stream of the operator's controls: there is one.</summary>
    public static string ControlStream() => QueueControl.StreamKey;

    public static async Task<LineSnapshot> LoadAsync(IDocumentSession session, CancellationToken cancellation) =>
        await session.LoadAsync<LineSnapshot>(LineSnapshot.TheId, cancellation) ?? LineSnapshot.Empty;

    [WolverinePatch("/admin/queue")]
    [Tags("Admin")]
    [EndpointSummary("Change MaxActive, pause and resume admission, or set, move and call off the sale's opening, at run time. Recorded as events.")]
    [ProblemResponse(400, ProblemCodes.InvalidRequest, "maxActive must be 1 to 1000000.")]
    /// <summary>Every node's copy of the controls follows within a poll (<see cref="LineView.PollInterval"/>).</summary>
    public static (QueueOverview, Events) Patch(ChangeQueueRequest request,
        [WriteAggregate(FromMethod = nameof(ControlStream), Required = false)] QueueControl? control, LineSnapshot line,
        TimeProvider clock, QueueOptions options)
    {
        var current = control ?? QueueControl.Initial;
        var changes = current.Change(request.MaxActive, request.Paused, request.OpensAt, request.CancelOpening == true, clock.GetUtcNow());
        var changed = changes.Aggregate(current, (state, change) => state.Evolve(change));
        return (QueueOverviewEndpoint.Overview(line, changed, options), [.. changes]);
    }
}
