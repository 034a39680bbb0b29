using Concert.Domain.Queue;

namespace Concert.Specs.Domain;

/// <summary>The waiting line's arithmetic and presence rules, without a database.</summary>
public sealed class QueueRules
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData(20)]
    [InlineData(120)]
    [InlineData(600)]
    public void polling_hints_grow_with_the_wait_ahead_and_leave_room_for_lost_checks(int waitingTtlSeconds)
    {
        var waitingTtl = TimeSpan.FromSeconds(waitingTtlSeconds);

        var hints = Enumerable.Range(0, 2_000).Select(eta => WaitingLine.PollAfterSeconds(eta, waitingTtl)).ToList();

        hints.ShouldBeInOrder(SortDirection.Ascending);
        hints[0].ShouldBe(WaitingLine.ShortestPoll);
        hints[^1].ShouldBe(Math.Min(30, waitingTtlSeconds / 4));
        hints.ShouldAllBe(hint => hint * 4 <= waitingTtlSeconds);
    }

    [Fact]
    public void a_position_counts_the_counted_waiters_ahead()
    {
        var places = WaitingPlaces.Counted(20, [new PlaceRun(3, 4), new PlaceRun(10, 2)], left: []);

        places.Count.ShouldBe(6);
        places.PositionOf(3).ShouldBe(1);
        places.PositionOf(6).ShouldBe(4);
        places.PositionOf(11).ShouldBe(6);
    }

    [Fact]
    public void a_place_drawn_after_the_count_stands_behind_every_counted_waiter()
    {
        var places = WaitingPlaces.Counted(20, [new PlaceRun(3, 4)], left: []);

        places.MayBeWaiting(21).ShouldBeTrue();
        places.PositionOf(21).ShouldBe(5);
        places.PositionOf(25).ShouldBe(9);
    }

    [Fact]
    public void a_counted_place_that_is_not_waiting_has_left_the_line()
    {
        var places = WaitingPlaces.Counted(20, [new PlaceRun(3, 4), new PlaceRun(10, 2)], left: []);

        places.MayBeWaiting(2).ShouldBeFalse();
        places.MayBeWaiting(8).ShouldBeFalse();
        places.MayBeWaiting(20).ShouldBeFalse();
        places.MayBeWaiting(4).ShouldBeTrue();
    }

    [Fact]
    public void the_next_count_drops_who_left_and_adds_who_joined_behind()
    {
        var places = WaitingPlaces.Counted(10, [new PlaceRun(1, 10)], left: []);

        var next = places.Next(20, left: [1, 5, 15], waitingSince: [new PlaceRun(11, 10)]);

        next.Runs.ShouldBe([new PlaceRun(2, 3), new PlaceRun(6, 9), new PlaceRun(16, 5)]);
        next.Count.ShouldBe(17);
        next.CoveredUpToSeq.ShouldBe(20);
        next.PositionOf(6).ShouldBe(4);
        next.PositionOf(16).ShouldBe(13);
    }

    [Fact]
    public void positions_never_go_up_from_one_count_to_the_next()
    {
        var random = new Random(7);
        var places = WaitingPlaces.Counted(0, [], left: []);
        var waiting = new SortedSet<long>();
        var told = new Dictionary<long, long>();
        long drawn = 0;
        for (var run = 0; run < 200; run++)
        {
            // Fans join behind (drawn after the count), some ahead leave: admitted or abandoned.
            for (var joined = random.Next(0, 20); joined > 0; joined--)
            {
                waiting.Add(++drawn);
                var position = places.PositionOf(drawn);
                told[drawn] = position;
            }

            var left = waiting.Where(_ => random.Next(0, 6) == 0).ToList();
            var covered = drawn;
            var since = waiting.Where(seq => seq > places.CoveredUpToSeq).Select(seq => new PlaceRun(seq, 1)).ToList();
            places = places.Next(covered, left, since);
            foreach (var seq in left) waiting.Remove(seq);

            places.Count.ShouldBe(waiting.Count);
            var rank = 0;
            foreach (var seq in waiting)
            {
                var position = places.PositionOf(seq);
                position.ShouldBe(++rank);
                position.ShouldBeLessThanOrEqualTo(told[seq]);
                told[seq] = position;
            }
        }
    }

    [Fact]
    public void a_sign_of_life_is_written_once_the_recorded_lapse_is_less_than_half_a_wait_away()
    {
        var recorded = Now + Wait;

        Presence.LapseToRecord(lastSeen: Now + TimeSpan.FromSeconds(50), recorded, now: Now + TimeSpan.FromSeconds(50), Wait).ShouldBeNull();
        Presence.LapseToRecord(lastSeen: Now + TimeSpan.FromSeconds(61), recorded, now: Now + TimeSpan.FromSeconds(61), Wait)
            .ShouldBe(Now + TimeSpan.FromSeconds(61) + Wait);
    }

    [Fact]
    public void a_fan_not_seen_since_the_recorded_lapse_is_not_written_again()
    {
        var lastSeen = Now;

        Presence.LapseToRecord(lastSeen, recordedLapse: lastSeen + Wait, now: Now + TimeSpan.FromSeconds(100), Wait).ShouldBeNull();
    }

    [Fact]
    public void a_check_close_to_the_recorded_lapse_is_not_answered_from_memory()
    {
        var recorded = Now + Wait;

        Presence.CanAnswerFromMemory(recorded, now: recorded - TimeSpan.FromSeconds(10), Wait).ShouldBeTrue();
        Presence.CanAnswerFromMemory(recorded, now: recorded - TimeSpan.FromSeconds(4), Wait).ShouldBeFalse();
        Presence.CanAnswerFromMemory(recorded, now: recorded + TimeSpan.FromSeconds(1), Wait).ShouldBeFalse();
    }

    [Fact]
    public void a_new_place_lapses_a_wait_after_it_was_issued()
    {
        var issued = WaitingLine.Issue(Guid.NewGuid(), "token", 7, Now, new QueueTimes(Wait, TimeSpan.FromMinutes(10)));

        issued.LapsesAt.ShouldBe(Now + Wait);
    }

    [Fact]
    public void a_fan_holding_a_live_token_holds_it_until_it_lapses_or_ends()
    {
        var ticket = Waiting();

        WaitingLine.HoldsLiveToken(null, Now).ShouldBeFalse();
        WaitingLine.HoldsLiveToken(ticket, Now + Wait - TimeSpan.FromTicks(1)).ShouldBeTrue();
        WaitingLine.HoldsLiveToken(ticket, Now + Wait).ShouldBeFalse();
        WaitingLine.HoldsLiveToken(ticket.Apply(WaitingLine.End(ticket, Now)!), Now).ShouldBeFalse();
    }

    [Fact]
    public void an_admitted_fan_is_active_for_a_turn()
    {
        var admitted = Waiting().Apply(WaitingLine.Admit(Waiting(), Now, Times));

        admitted.StatusAt(Now + Times.ActiveTtl - TimeSpan.FromTicks(1)).ShouldBe(TicketStatus.Active);
        admitted.StatusAt(Now + Times.ActiveTtl).ShouldBe(TicketStatus.Expired);
    }

    [Fact]
    public void a_lapse_is_recorded_once_with_what_lapsed()
    {
        var waiting = Waiting();
        var active = waiting.Apply(WaitingLine.Admit(waiting, Now, Times));

        WaitingLine.ExpireLapsed(waiting, Now).ShouldBeNull();
        WaitingLine.ExpireLapsed(waiting, Now + Wait)!.Reason.ShouldBe(TokenExpiryReason.Abandoned);
        WaitingLine.ExpireLapsed(active, Now + Times.ActiveTtl)!.Reason.ShouldBe(TokenExpiryReason.ActiveTimeUp);
        var expired = waiting.Apply(WaitingLine.ExpireLapsed(waiting, Now + Wait)!);
        WaitingLine.ExpireLapsed(expired, Now + Wait * 2).ShouldBeNull();
        WaitingLine.End(expired, Now + Wait * 2).ShouldBeNull();
    }

    [Fact]
    public void an_event_about_an_earlier_token_leaves_the_current_one_alone()
    {
        var earlier = Waiting();
        var current = earlier.Apply(WaitingLine.Issue(earlier.UserId, "newer", 8, Now, Times));

        current.Apply(WaitingLine.End(earlier, Now)!).ShouldBe(current);
        current.PreviousToken.ShouldBe(earlier.Token);
    }

    [Theory]
    [InlineData(100, 40, false, 60)]
    [InlineData(100, 100, false, 0)]
    [InlineData(100, 120, false, 0)]
    [InlineData(100, 40, true, 0)]
    public void free_places_are_what_the_cap_leaves_unless_paused(int maxActive, int active, bool paused, int free) =>
        WaitingLine.FreePlaces(maxActive, active, paused).ShouldBe(free);

    [Theory]
    [InlineData(0, 30, 0)]
    [InlineData(1, 30, 2)]
    [InlineData(90, 30, 180)]
    [InlineData(3, 0, 18)] // no admissions yet: 3 places × 600 s ÷ 100 at once
    public void the_wait_is_the_position_over_the_recent_admission_rate(long position, int admittedLastMinute, long eta) =>
        WaitingLine.EtaSeconds(position, admittedLastMinute, maxActive: 100, TimeSpan.FromMinutes(10)).ShouldBe(eta);

    [Fact]
    public void an_operator_change_records_only_what_changes()
    {
        var control = QueueControl.Initial;

        control.Change(maxActive: null, paused: false, opensAt: null, cancelOpening: false, Now).ShouldBeEmpty();
        var changes = control.Change(maxActive: 500, paused: true, opensAt: null, cancelOpening: false, Now);
        changes.ShouldBe([new QueueCapacityChanged(500), new AdmissionPaused(Now)]);
        var changed = changes.Aggregate(control, (state, change) => state.Evolve(change));
        changed.ShouldBe(QueueControl.Initial with { MaxActive = 500, Paused = true });
        changed.Change(maxActive: 500, paused: true, opensAt: null, cancelOpening: false, Now).ShouldBeEmpty();
        changed.Change(maxActive: null, paused: false, opensAt: null, cancelOpening: false, Now).ShouldBe([new AdmissionResumed(Now)]);
    }

    private static readonly QueueTimes Times = new(Wait, TimeSpan.FromMinutes(10));

    private static QueueTicket Waiting() =>
        QueueTicket.Create(WaitingLine.Issue(Guid.Parse("a1b2c3d4-e5f6-7890-abcd-ef0123456789"), "token", 7, Now, Times));
}
