using Alba;
using Concert.Api.Cancellations;
using Concert.Api.Catalog;
using Concert.Api.Payments;
using Concert.Api.Reservations;
using Concert.Domain.Catalog;
using Concert.Domain.Payments;
using Concert.Domain.Reservations;
using Concert.Domain.Wallet;
using Concert.Specs.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;
using Wolverine.Runtime;

namespace Concert.Specs.Catalog;

/// <summary>An operator cancels a show: nothing more is sold, every hold ends and every ticket is refunded, once.</summary>
[Collection(ConcertAppCollection.Name)]
public sealed class CancellingASchedule(ConcertApp app)
{
    private IAlbaHost Host => app.Host;

    private const long Granted = 500_000;

    [Fact]
    public async Task a_cancelled_schedule_releases_its_holds_and_refunds_its_tickets_into_the_wallets()
    {
        var concert = await Host.OpenConcertWithNights("2027-08-01T19:00:00", "2027-08-02T19:00:00");
        var scheduleId = concert.Schedules[0].ScheduleId;
        var paid = await PaidTickets(concert, 3);
        var (holder, held) = await HeldSeat(concert, 40);

        var cancelling = await Host.CancelScheduleAndSettle(scheduleId);

        cancelling.Context.Response.Headers.Location.ToString().ShouldBe($"/admin/schedules/{scheduleId}");
        var accepted = await cancelling.Read<ScheduleOverview>();
        (accepted.Cancelled, accepted.AvailableCount, accepted.HeldCount, accepted.SoldCount).ShouldBe((true, 0, 1, 3));
        accepted.Cancellation.ShouldBe(new CancellationProgress(HoldsToRelease: 1, TicketsToRefund: 3, Complete: false));
        var settled = await Host.AdminGet<ScheduleOverview>($"/admin/schedules/{scheduleId}");
        settled.Cancellation.ShouldBe(new CancellationProgress(0, 0, Complete: true));
        (settled.AvailableCount, settled.HeldCount, settled.SoldCount).ShouldBe((0, 0, 0));
        foreach (var (fan, ticket) in paid)
        {
            (await Host.Balance(fan)).ShouldBe(Granted);
            (await ReservationOf(fan, ticket)).Status.ShouldBe(ReservationStatus.Refunded);
            (await Host.EventsOf(FanWallet.StreamKey(fan.UserId))).OfType<WalletRefunded>().ShouldHaveSingleItem()
                .Reason.ShouldBe(RefundReason.ScheduleCancelled);
            var ledger = await (await Host.Scenario(s =>
            {
                s.Get.Url($"/users/{fan.UserId}/wallet/transactions");
                s.WithRequestHeader(Api.Queue.QueueGate.TokenHeader, fan.Token);
            })).Read<Api.Wallet.WalletTransactionPage>();
            ledger.Items[0].ShouldSatisfyAllConditions(
                entry => entry.Type.ShouldBe(Api.Wallet.WalletTransactionType.Refund),
                entry => entry.RefundReason.ShouldBe(RefundReason.ScheduleCancelled));
        }

        (await ReservationOf(holder, held)).Status.ShouldBe(ReservationStatus.Cancelled);
        (await app.SeatMap(concert.ConcertId, scheduleId)).Seats.ShouldAllBe(seat => seat.Status == SeatStatus.Withdrawn);
        var listed = (await app.Schedules(concert.ConcertId, "?onlyBookable=false")).Items;
        listed.Single(item => item.ScheduleId == scheduleId).ShouldSatisfyAllConditions(
            item => item.Cancelled.ShouldBeTrue(), item => item.AvailableCount.ShouldBe(0));
        listed.Single(item => item.ScheduleId != scheduleId).Cancelled.ShouldBeFalse();
        (await app.Schedules(concert.ConcertId)).Items.Select(item => item.ScheduleId).ShouldBe([concert.Schedules[1].ScheduleId]);
    }

    [Fact]
    public async Task a_cancelled_schedule_takes_no_new_hold_and_no_payment()
    {
        var concert = await Host.OpenConcertWithNights("2027-08-03T19:00:00");
        var scheduleId = concert.Schedules[0].ScheduleId;
        var (holder, held) = await HeldSeat(concert, 12);
        await Host.Grant(holder.UserId, Granted);
        var latecomer = await Host.NewAdmittedFan();

        await Host.CancelSchedule(scheduleId);

        await (await Host.Hold(latecomer, concert, 13, expectedStatus: 409)).ShouldBeProblem(409, "SCHEDULE_CANCELLED");
        await (await Host.Pay(holder, held.ReservationId, held.Price, expectedStatus: 409)).ShouldBeProblem(409, "SCHEDULE_CANCELLED");
        (await Host.Balance(holder)).ShouldBe(Granted);
        await SettleAllSeats(Host, scheduleId);
        (await ReservationOf(holder, held)).Status.ShouldBe(ReservationStatus.Cancelled);
        await (await Host.Pay(holder, held.ReservationId, held.Price, expectedStatus: 409)).ShouldBeProblem(409, "SCHEDULE_CANCELLED");
    }

    [Fact]
    public async Task cancelling_again_reads_the_progress_and_changes_nothing()
    {
        var concert = await Host.OpenConcertWithNights("2027-08-04T19:00:00");
        var scheduleId = concert.Schedules[0].ScheduleId;
        await PaidTickets(concert, 1);
        await Host.CancelScheduleAndSettle(scheduleId);

        var again = await (await Host.CancelSchedule(scheduleId, expectedStatus: 200)).Read<ScheduleOverview>();

        again.Cancellation!.Complete.ShouldBeTrue();
        (await Host.EventsOf(ConcertListing.StreamKey(concert.ConcertId))).OfType<ScheduleCancelled>().ShouldHaveSingleItem();
        (await Host.EventsOf(Seat.StreamKey(scheduleId, 1))).OfType<SeatWithdrawn>().ShouldHaveSingleItem();
    }

    [Fact]
    public async Task the_schedules_of_one_concert_cancelled_at_once_are_all_cancelled()
    {
        var concert = await Host.OpenConcertWithNights(Enumerable.Range(1, 12).Select(day => $"2027-09-{day:00}T19:00:00").ToArray());

        var answers = await Task.WhenAll(concert.Schedules.Select(schedule => Host.CancelSchedule(schedule.ScheduleId, expectedStatus: null)));

        answers.Select(answer => answer.Context.Response.StatusCode).ShouldAllBe(status => status == 202);
        (await Host.EventsOf(ConcertListing.StreamKey(concert.ConcertId))).OfType<ScheduleCancelled>().Count().ShouldBe(12);
        (await app.Schedules(concert.ConcertId, "?onlyBookable=false")).Items.ShouldAllBe(item => item.Cancelled);
    }

    [Fact]
    public async Task an_unknown_schedule_is_404_and_cancelling_needs_the_admin_key()
    {
        await (await Host.CancelSchedule(987_654_321, expectedStatus: 404)).ShouldBeProblem(404, "SCHEDULE_NOT_FOUND");
        await (await Host.AdminGetRefused("/admin/schedules/987654321", 404)).ShouldBeProblem(404, "SCHEDULE_NOT_FOUND");
        var concert = await Host.OpenConcertWithNights("2027-08-05T19:00:00");
        var refused = await Host.Scenario(s =>
        {
            s.Post.Url($"/admin/schedules/{concert.Schedules[0].ScheduleId}/cancel");
            s.StatusCodeShouldBe(401);
        });
        await refused.ShouldBeProblem(401, "ADMIN_KEY_INVALID");
        (await app.Schedules(concert.ConcertId)).Items.ShouldHaveSingleItem().Cancelled.ShouldBeFalse();
        var standing = await Host.AdminGet<ScheduleOverview>($"/admin/schedules/{concert.Schedules[0].ScheduleId}");
        (standing.Cancelled, standing.AvailableCount, standing.Cancellation).ShouldBe((false, 50, (CancellationProgress?)null));
    }

    [Fact]
    public async Task a_fan_may_refund_a_cancelled_shows_ticket_whatever_the_cutoff_and_is_refunded_once()
    {
        var soon = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddHours(2), TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul"))
            .ToString("yyyy-MM-ddTHH:mm:ss");
        var concert = await Host.OpenConcertWithNights(soon);
        var scheduleId = concert.Schedules[0].ScheduleId;
        var (fan, ticket) = (await PaidTickets(concert, 1)).Single();
        await (await Host.Refund(fan, ticket.ReservationId, expectedStatus: 409)).ShouldBeProblem(409, "REFUND_CLOSED");

        await Host.CancelSchedule(scheduleId);
        var asked = Host.Refund(fan, ticket.ReservationId, expectedStatus: null);
        await Task.WhenAll(asked, SettleAllSeats(Host, scheduleId));

        (await Host.Balance(fan)).ShouldBe(Granted);
        (await Host.EventsOf(Reservation.StreamKey(ticket.ReservationId))).OfType<ReservationRefunded>().ShouldHaveSingleItem();
        var answer = await asked;
        var reason = (await Host.EventsOf(FanWallet.StreamKey(fan.UserId))).OfType<WalletRefunded>().ShouldHaveSingleItem().Reason;
        if (answer.Context.Response.StatusCode == 200)
        {
            (await answer.Read<RefundReceipt>()).SeatStatus.ShouldBe(SeatStatus.Withdrawn);
            reason.ShouldBe(RefundReason.FanAsked);
        }
        else
        {
            await answer.ShouldBeProblem(409, "ALREADY_REFUNDED");
            reason.ShouldBe(RefundReason.ScheduleCancelled);
        }
    }

    [Fact]
    public async Task fans_paying_refunding_and_letting_go_while_the_show_is_cancelled_are_each_settled_once()
    {
        var concert = await Host.OpenConcertWithNights("2027-08-06T19:00:00");
        var scheduleId = concert.Schedules[0].ScheduleId;
        var paid = await PaidTickets(concert, 6);
        var holds = new List<(Fan Fan, ReservationView Held)>();
        for (var seat = 20; seat < 26; seat++)
        {
            var (fan, held) = await HeldSeat(concert, seat);
            await Host.Grant(fan.UserId, Granted);
            holds.Add((fan, held));
        }

        var racing = paid.Select(ticket => (Task)Host.Refund(ticket.Fan, ticket.Held.ReservationId, expectedStatus: null))
            .Concat(holds.Take(3).Select(hold => (Task)Host.Pay(hold.Fan, hold.Held.ReservationId, hold.Held.Price, expectedStatus: null)))
            .Concat(holds.Skip(3).Select(hold => (Task)Host.Release(hold.Fan, hold.Held.ReservationId, expectedStatus: null)))
            .Append(Host.CancelSchedule(scheduleId));
        await Task.WhenAll(racing);
        await SettleAllSeats(Host, scheduleId);

        await using var session = Host.DocumentStore().QuerySession();
        foreach (var (fan, held) in paid.Concat(holds))
        {
            // A payment that committed before the cancellation ended its fan's token: the balance from the wallet's view.
            (await session.LoadAsync<FanWallet>(FanWallet.StreamKey(fan.UserId)))!.Balance.ShouldBe(Granted);
            var events = await Host.EventsOf(Reservation.StreamKey(held.ReservationId));
            events.OfType<ReservationRefunded>().Count().ShouldBe(events.OfType<PaymentConfirmed>().Count());
            events.OfType<ReservationRefunded>().Count().ShouldBeLessThanOrEqualTo(1);
            (await Host.EventsOf(FanWallet.StreamKey(fan.UserId))).OfType<WalletRefunded>().Count()
                .ShouldBe(events.OfType<ReservationRefunded>().Count());
        }

        (await Host.AdminGet<ScheduleOverview>($"/admin/schedules/{scheduleId}")).Cancellation!.Complete.ShouldBeTrue();
        (await app.SeatMap(concert.ConcertId, scheduleId)).Seats.ShouldAllBe(seat => seat.Status == SeatStatus.Withdrawn);
        foreach (var seat in Enumerable.Range(1, 50).Select(number => Seat.StreamKey(scheduleId, number)))
        {
            (await session.LoadAsync<Seat>(seat)).ShouldBe(await session.Events.AggregateStreamAsync<Seat>(seat), seat);
        }
    }

    [Fact]
    public async Task a_cancellation_its_node_stopped_before_settling_is_settled_by_another_node_each_ticket_once()
    {
        var concert = await Host.OpenConcertWithNights("2027-08-07T19:00:00");
        var scheduleId = concert.Schedules[0].ScheduleId;
        var paid = await PaidTickets(concert, 8);
        var holds = new List<(Fan Fan, ReservationView Held)>();
        for (var seat = 30; seat < 34; seat++) holds.Add(await HeldSeat(concert, seat));
        var cancellingNode = await app.StartHostAsync();
        // The node that cancels gets to none of its settlements: they stay stored, as when a node dies right after.
        ((Wolverine.Configuration.EndpointCollection)cancellingNode.Services.GetRequiredService<IWolverineRuntime>().Endpoints).LatchAllReceivers();

        await cancellingNode.CancelSchedule(scheduleId);
        (await PendingSettlements()).ShouldBeGreaterThanOrEqualTo(paid.Count + holds.Count);
        await cancellingNode.DisposeAsync();

        var settled = await SettledOn(Host, scheduleId);
        settled.Cancellation.ShouldBe(new CancellationProgress(0, 0, Complete: true));
        await SettleAllSeats(Host, scheduleId); // every settlement delivered again, as after a crash before its ack
        foreach (var (fan, ticket) in paid)
        {
            (await Host.Balance(fan)).ShouldBe(Granted);
            (await Host.EventsOf(Reservation.StreamKey(ticket.ReservationId))).OfType<ReservationRefunded>().ShouldHaveSingleItem();
            (await Host.EventsOf(FanWallet.StreamKey(fan.UserId))).OfType<WalletRefunded>().ShouldHaveSingleItem();
        }

        foreach (var (_, held) in holds)
        {
            (await Host.EventsOf(Reservation.StreamKey(held.ReservationId))).OfType<ReservationCancelled>().ShouldHaveSingleItem();
        }
    }

    [Fact]
    public async Task cancelling_again_sends_again_the_settlements_still_to_do()
    {
        var concert = await Host.OpenConcertWithNights("2027-08-08T19:00:00");
        var scheduleId = concert.Schedules[0].ScheduleId;
        var (fan, ticket) = (await PaidTickets(concert, 1)).Single();
        var cancellingNode = await app.StartHostAsync();
        ((Wolverine.Configuration.EndpointCollection)cancellingNode.Services.GetRequiredService<IWolverineRuntime>().Endpoints).LatchAllReceivers();
        await cancellingNode.CancelSchedule(scheduleId);
        await using (var session = Host.DocumentStore().LightweightSession())
        {
            // The settlement lost, as a dead letter no one replays.
            session.QueueSqlCommand("delete from concert.wolverine_incoming_envelopes where message_type like '%SettleWithdrawnSeat%'");
            await session.SaveChangesAsync();
        }

        await cancellingNode.DisposeAsync();
        (await Host.AdminGet<ScheduleOverview>($"/admin/schedules/{scheduleId}")).Cancellation!.TicketsToRefund.ShouldBe(1);

        await Host.CancelScheduleAndSettle(scheduleId, expectedStatus: 200);

        (await Host.AdminGet<ScheduleOverview>($"/admin/schedules/{scheduleId}")).Cancellation!.Complete.ShouldBeTrue();
        (await Host.EventsOf(Reservation.StreamKey(ticket.ReservationId))).OfType<ReservationRefunded>().ShouldHaveSingleItem();
        (await Host.Balance(fan)).ShouldBe(Granted);
    }

    private Task<long> PendingSettlements() =>
        app.ReadAsync<long>(
            "select count(*) from concert.wolverine_incoming_envelopes where message_type like '%SettleWithdrawnSeat%' and status <> 'Handled'");

    private async Task<List<(Fan Fan, ReservationView Held)>> PaidTickets(ConcertCreatedResponse concert, int count)
    {
        var paid = new List<(Fan, ReservationView)>();
        for (var seat = 1; seat <= count; seat++)
        {
            var fan = await Host.NewAdmittedFan();
            await Host.Grant(fan.UserId, Granted);
            var held = await (await Host.Hold(fan, concert, seat, expectedStatus: 201)).Read<ReservationView>();
            await Host.Pay(fan, held.ReservationId, held.Price);
            paid.Add((await Host.Readmitted(fan), held));
        }

        return paid;
    }

    private async Task<(Fan Fan, ReservationView Held)> HeldSeat(ConcertCreatedResponse concert, int seat)
    {
        var fan = await Host.NewAdmittedFan();
        return (fan, await (await Host.Hold(fan, concert, seat, expectedStatus: 201)).Read<ReservationView>());
    }

    private async Task<ReservationView> ReservationOf(Fan fan, ReservationView held) =>
        await (await Host.GetReservation(fan, held.ReservationId.ToString(), 200)).Read<ReservationView>();

    /// <summary>Every seat's settlement, handled now through the service's own pipeline, as the durable queue delivers it.</summary>
    private static async Task SettleAllSeats(IAlbaHost host, long scheduleId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<IMessageBus>();
        await Task.WhenAll(Enumerable.Range(1, 50).Select(seat => bus.InvokeAsync(new SettleWithdrawnSeat(scheduleId, seat))));
    }

    /// <summary>
    /// The schedule once its cancellation has settled every seat, as the durable queue of a node that did not send them
    /// gets to them (its recovery runs on a timer: the one wait on the real clock here).
    /// </summary>
    private static async Task<ScheduleOverview> SettledOn(IAlbaHost host, long scheduleId)
    {
        for (var waited = TimeSpan.Zero; ; waited += TimeSpan.FromMilliseconds(100))
        {
            var overview = await host.AdminGet<ScheduleOverview>($"/admin/schedules/{scheduleId}");
            if (overview.Cancellation is { Complete: true }) return overview;
            if (waited > TimeSpan.FromSeconds(60)) throw new TimeoutException($"schedule {scheduleId} never settled: {overview}");
            await Task.Delay(100);
        }
    }
}
