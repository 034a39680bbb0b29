using Concert.Domain;
using Shouldly;

namespace Concert.Specs.Domain;

public static class DecisionAssertions
{
    public static TEvents ShouldBeAccepted<TEvents, TRefusal>(this Decision<TEvents, TRefusal> decision)
        where TRefusal : struct, Enum =>
        decision.ShouldBeOfType<Decision<TEvents, TRefusal>.Accepted>().Events;

    public static TRefusal ShouldBeRefused<TEvents, TRefusal>(this Decision<TEvents, TRefusal> decision)
        where TRefusal : struct, Enum =>
        decision.ShouldBeOfType<Decision<TEvents, TRefusal>.Refused>().Reason;
}
