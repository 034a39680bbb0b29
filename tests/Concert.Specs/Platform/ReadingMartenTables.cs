using Concert.Api.Queue;
using Concert.Api.Reservations;
using Concert.Specs.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;

namespace Concert.Specs.Platform;

/// <summary>The stores' own SQL reads Marten's JSON by member name: the names must be the ones Marten writes.</summary>
[Collection(ConcertAppCollection.Name)]
public sealed class ReadingMartenTables(ConcertApp app)
{
    private static readonly IReadOnlyList<(Type Document, string Member)> Named =
        [.. QueueStore.JsonMembersInSql, .. ReservationStore.JsonMembersInSql];

    public static TheoryData<string, string> MembersInSql()
    {
        var data = new TheoryData<string, string>();
        foreach (var (document, member) in Named) data.Add(document.FullName!, member);
        return data;
    }

    [Theory]
    [MemberData(nameof(MembersInSql))]
    public void every_member_the_stores_sql_names_is_in_the_json_marten_writes(string documentType, string member)
    {
        var type = Named.First(entry => entry.Document.FullName == documentType).Document;
        var serializer = app.Host.Services.GetRequiredService<IDocumentStore>().Options.Serializer();

        var json = JsonDocument.Parse(serializer.ToJson(Activator.CreateInstance(type, ArgumentsFor(type))));

        json.RootElement.TryGetProperty(member, out _).ShouldBeTrue($"{type.Name} as Marten writes it has no member {member}: {json.RootElement}");
    }

    /// <summary>Default values for a record's primary constructor.</summary>
    private static object?[] ArgumentsFor(Type type) =>
        type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First().GetParameters()
            .Select(p => p.ParameterType.IsValueType ? Activator.CreateInstance(p.ParameterType) : null)
            .ToArray();
}
