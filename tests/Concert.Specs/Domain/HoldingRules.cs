using Concert.Domain.Catalog;
using Concert.Domain.Reservations;

namespace Concert.Specs.Domain;

/// <summary>Holding seats and letting lapsed holds go, without a database.</summary>
public sealed class HoldingRules
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Duration = TimeSpan.FromMinutes(5);
    private static readonly Guid Fan = Guid.Parse("a1b2c3d4-e5f6-7890-abcd-ef0123456789");
    private static readonly Seat Open = Seat.Create(new SeatOpened(1, 2, 3, 60_000));

    [Fact]
    public void an_available_seat_is_held_for_the_hold_duration_at_its_price()
    {
        var held = SeatHolding.Hold(Open, 9, Fan, Now, Duration).ShouldBeAccepted();

        held.SeatHeld.ShouldBe(new SeatHeld(2, 3, 9, Fan, Now + Duration));
        held.Placed.ShouldBe(new ReservationPlaced(9, Fan, 1, 2, 3, 60_000, Now, Now + Duration));
    }

    [Fact]
    public void a_held_seat_is_taken_until_its_hold_lapses()
    {
        var held = Open.Apply(SeatHolding.Hold(Open, 9, Fan, Now, Duration).ShouldBeAccepted().SeatHeld);

        SeatHolding.Hold(held, 10, Guid.NewGuid(), Now + Duration - TimeSpan.FromTicks(1), Duration).ShouldBeRefused().ShouldBe(HoldRefusal.SeatTaken);
        SeatHolding.Hold(held, 10, Guid.NewGuid(), Now + Duration, Duration).ShouldBeAccepted();
    }

    [Fact]
    public void a_hold_expires_once_and_only_when_due()
    {
        var decision = SeatHolding.Hold(Open, 9, Fan, Now, Duration).ShouldBeAccepted();
        var reservation = Reservation.Create(decision.Placed);

        SeatHolding.ExpireReservation(reservation, Now + Duration - TimeSpan.FromTicks(1)).ShouldBeNull();
        var expired = SeatHolding.ExpireReservation(reservation, Now + Duration).ShouldNotBeNull();
        SeatHolding.ExpireReservation(reservation.Apply(expired), Now + Duration * 2).ShouldBeNull();
    }

    [Fact]
    public void a_lapse_frees_the_seat_only_from_its_own_hold()
    {
        var held = Open.Apply(SeatHolding.Hold(Open, 9, Fan, Now, Duration).ShouldBeAccepted().SeatHeld);
        var heldAgain = held.Apply(SeatHolding.Hold(held, 10, Guid.NewGuid(), Now + Duration, Duration).ShouldBeAccepted().SeatHeld);

        SeatHolding.ReleaseSeat(held, 9).ShouldBe(new HoldExpired(2, 3, 9));
        SeatHolding.ReleaseSeat(heldAgain, 9).ShouldBeNull();
        SeatHolding.ReleaseSeat(Open, 9).ShouldBeNull();
    }
}
