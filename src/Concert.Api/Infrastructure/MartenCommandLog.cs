using Marten;
using Marten.Services;
using Npgsql;

namespace Concert.Api.Infrastructure;

/// <summary>
/// Marten's log of the commands it runs. A failed command is an error, except a write conflict on an event stream:
/// the slices expect those and answer them (of two fans racing for one seat, the second gets 409), so they are
/// Debug, and a rush does not fill the error log with lost races. A failure nobody answers is still an error, and
/// the request's own failure is logged again by the exception handler. Commands that succeed are not logged. Every
/// failure of every Marten command passes here, so this is also where a pool out of step with the server is replaced.
/// </summary>
public sealed class MartenCommandLog(ILogger<MartenCommandLog> logger, NpgsqlDataSource database) : IMartenLogger, IMartenSessionLogger
{
    public IMartenSessionLogger StartSession(IQuerySession session) => this;

    public void SchemaChange(string sql) => logger.LogInformation("Executed schema change:\n{Sql}", sql);

    public void LogFailure(NpgsqlCommand command, Exception ex)
    {
        Postgres.RecoverFrom(ex, database);
        LogFailure(ex, command.CommandText);
    }

    public void LogFailure(NpgsqlBatch batch, Exception ex)
    {
        Postgres.RecoverFrom(ex, database);
        // A lost race is Debug, off in production: its batch's text is only joined when it will be written.
        if (!logger.IsEnabled(LevelOf(ex))) return;
        LogFailure(ex, string.Join(";\n", batch.BatchCommands.Cast<NpgsqlBatchCommand>().Select(command => command.CommandText)));
    }

    public void LogFailure(Exception ex, string message) => logger.Log(LevelOf(ex), ex, "Marten command failed:\n{Sql}", message);

    public void LogSuccess(NpgsqlCommand command)
    {
    }

    public void LogSuccess(NpgsqlBatch batch)
    {
    }

    public void RecordSavedChanges(IDocumentSession session, IChangeSet commit)
    {
    }

    public void OnBeforeExecute(NpgsqlCommand command)
    {
    }

    public void OnBeforeExecute(NpgsqlBatch batch)
    {
    }

    private static LogLevel LevelOf(Exception exception) => exception switch
    {
        // Decided again, but a sign that two writers take the same locks in different orders.
        _ when WriteConflicts.IsDeadlock(exception) => LogLevel.Warning,
        _ when IsStreamWriteConflict(exception) => LogLevel.Debug,
        _ => LogLevel.Error,
    };

    /// <summary>
    /// PostgreSQL's side of Marten's optimistic concurrency: an append to a stream whose version moved on (MT003), or
    /// a stream or event version another transaction wrote first.
    /// </summary>
    private static bool IsStreamWriteConflict(Exception exception) =>
        exception is PostgresException { SqlState: "MT003" }
            or PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, TableName: "mt_streams" or "mt_events" }
        || WriteConflicts.IsWriteConflict(exception);
}
