using System.Text.Json;
using Concert.Api.Infrastructure;
using JasperFx.CommandLine;
using Marten;

namespace Concert.Api.Support;

public sealed class SupportInput : NetCoreInput
{
    [Description("reservation | seat | wallet | token | seats (a seat map) | balance | draw (with id last: the pre-queue's last draw, replayed)")]
    public string Subject { get; set; } = "";

    [Description("the reservation id, schedule id, user id or token")]
    public string Id { get; set; } = "";

    [Description("the seat number (seat)")]
    public int SeatFlag { get; set; }

    [Description("an instant with Z or an offset (seats, balance): the state as it stood then; default now")]
    [FlagAlias("at", 't')]
    public string? AtFlag { get; set; }
}

/// <summary>The support replays of /admin/support, for staff without HTTP access: prints the same JSON.</summary>
[Description("Replay the event store for support: histories of a reservation, seat, wallet or token; a seat map or balance at an instant", Name = "support")]
public sealed class SupportCommand : JasperFxAsyncCommand<SupportInput>
{
    public override async Task<bool> Execute(SupportInput input)
    {
        using var host = input.BuildHost();
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var clock = host.Services.GetRequiredService<TimeProvider>();
        await using var session = store.QuerySession();
        if (!SupportEndpoints.TryInstant(input.AtFlag, clock, out var at))
        {
            await Console.Error.WriteLineAsync("--at must be an instant with Z or an offset, e.g. 2026-11-27T09:00:00Z");
            return false;
        }

        object? answer = input.Subject switch
        {
            "reservation" when long.TryParse(input.Id, out var id) => await SupportReplay.ReservationAsync(session, id, default),
            "seat" when long.TryParse(input.Id, out var id) => await SupportReplay.SeatAsync(session, id, input.SeatFlag, default),
            "wallet" when Users.TryParse(input.Id, out var user) => await SupportReplay.WalletAsync(session, user, default),
            "token" => await SupportReplay.TokenAsync(session, input.Id, default),
            "seats" when long.TryParse(input.Id, out var id) => await SupportReplay.SeatMapAsync(session, id, at, default),
            "balance" when Users.TryParse(input.Id, out var user) => await SupportReplay.BalanceAsync(session, user, at, default),
            "draw" when input.Id == "last" => await SupportReplay.DrawAsync(session, default) ?? (object)"no pre-queue has been drawn",
            _ => null,
        };
        if (answer is null)
        {
            await Console.Error.WriteLineAsync(
                "usage: support reservation ID | seat SCHEDULE_ID --seat N | wallet USER_ID | token TOKEN | seats SCHEDULE_ID [--at INSTANT] | balance USER_ID [--at INSTANT] | draw last");
            return false;
        }

        var options = new JsonSerializerOptions { WriteIndented = true };
        Json.Configure(options);
        Console.WriteLine(JsonSerializer.Serialize(answer, options));
        return true;
    }
}
