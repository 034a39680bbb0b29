using System.Data.Common;
using JasperFx.Events;
using Marten;
using Weasel.Core.Migrations;
using Weasel.Core;
using Weasel.Postgresql;

namespace Concert.Api.Queue;

/// <summary>
/// Every token ever issued, found through its TokenIssued event: a partial index on the event table (only
/// TokenIssued rows), so a fan can be found by a token their ticket no longer carries — a keyed request replayed
/// with the token that made it after the fan took a new one, or support asking about an old token.
/// </summary>
public static class IssuedTokens
{
    private const string IndexName = "ix_mt_events_issued_token";

    public static void Configure(StoreOptions options)
    {
        options.Storage.Add(new TokenIndexFeature(options));
        options.Events.IgnoreIndex(IndexName); // ours, not Marten's to manage
    }

    /// <summary>The fan a token was ever issued to; null for a token never issued.</summary>
    public static async Task<Guid?> FanOfAsync(IQuerySession session, string token, CancellationToken cancellation)
    {
        var users = await session.QueryAsync<string>(
            $"select data ->> 'UserId' from {session.DocumentStore.Options.Events.DatabaseSchemaName}.mt_events where type = 'token_issued' and data ->> 'Token' = ? limit 1",
            cancellation, token);
        return users.Count == 0 ? null : Guid.Parse(users[0]);
    }

    /// <summary>The index as a storage feature of its own, created after the event tables it indexes.</summary>
    private sealed class TokenIndexFeature(StoreOptions options) : FeatureSchemaBase("IssuedTokens", options.Advanced.Migrator)
    {
        public override IEnumerable<Type> DependentTypes() => [typeof(IEvent)];

        protected override IEnumerable<ISchemaObject> schemaObjects() => [new TokenIndex(options.Events.DatabaseSchemaName)];
    }

    private sealed class TokenIndex(string schema) : ISchemaObject
    {
        public DbObjectName Identifier { get; } = new PostgresqlObjectName(schema, IndexName, SchemaUtils.IdentifierUsage.General);

        public void WriteCreateStatement(Migrator migrator, TextWriter writer) =>
            writer.WriteLine(
                $"create index if not exists {IndexName} on {schema}.mt_events ((data ->> 'Token')) where type = 'token_issued';");

        public void WriteDropStatement(Migrator rules, TextWriter writer) =>
            writer.WriteLine($"drop index if exists {schema}.{IndexName};");

        public void ConfigureQueryCommand(Weasel.Core.DbCommandBuilder builder) =>
            builder.Append($"select count(*) from pg_indexes where schemaname = '{schema}' and indexname = '{IndexName}';");

        public async Task<ISchemaObjectDelta> CreateDeltaAsync(DbDataReader reader, CancellationToken ct = default)
        {
            await reader.ReadAsync(ct);
            var exists = reader.GetInt64(0) > 0;
            return new Delta(this, exists ? SchemaPatchDifference.None : SchemaPatchDifference.Create);
        }

        public IEnumerable<DbObjectName> AllNames() => [Identifier];
    }

    private sealed class Delta(TokenIndex index, SchemaPatchDifference difference) : ISchemaObjectDelta
    {
        public ISchemaObject SchemaObject => index;

        public SchemaPatchDifference Difference => difference;

        public void WriteUpdate(Migrator rules, TextWriter writer) => index.WriteCreateStatement(rules, writer);

        public void WriteRollback(Migrator rules, TextWriter writer) => index.WriteDropStatement(rules, writer);

        public void WriteRestorationOfPreviousState(Migrator rules, TextWriter writer) => index.WriteDropStatement(rules, writer);
    }
}
