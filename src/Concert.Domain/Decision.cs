using System.Diagnostics;

namespace Concert.Domain;

/// <summary>
/// The one shape of a decision that may refuse: the events it records, or the reason it refused. A rule returns
/// either (each converts to the decision); a slice answers both through <see cref="Match{TResult}"/>, mapping every
/// reason in one table of its own.
/// </summary>
public abstract record Decision<TEvents, TRefusal> where TRefusal : struct, Enum
{
    private Decision()
    {
    }

    public sealed record Accepted(TEvents Events) : Decision<TEvents, TRefusal>;

    public sealed record Refused(TRefusal Reason) : Decision<TEvents, TRefusal>;

    public static implicit operator Decision<TEvents, TRefusal>(TEvents events) => new Accepted(events);

    public static implicit operator Decision<TEvents, TRefusal>(TRefusal reason) => new Refused(reason);

    public TResult Match<TResult>(Func<TEvents, TResult> accepted, Func<TRefusal, TResult> refused) => this switch
    {
        Accepted decision => accepted(decision.Events),
        Refused decision => refused(decision.Reason),
        _ => throw new UnreachableException("A decision is accepted or refused; its constructor is private."),
    };
}
