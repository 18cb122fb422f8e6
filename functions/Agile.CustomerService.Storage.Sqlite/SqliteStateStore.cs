using System.Diagnostics;
using System.Globalization;
using Agile.CustomerService.Application.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agile.CustomerService.Storage.Sqlite;

/// <summary>
/// The embedded default store: one SQLite file in WAL mode, used through one connection
/// with its statements prepared once. Commits are one transaction each (SQLite has one
/// writer anyway); reads take the same connection between commits and see the last
/// committed state. One connection because it is the only one whose page cache survives
/// the commits: a second connection drops its whole cache whenever this one commits, and
/// reads every page again from the file (measured in docs/performance.md). ETags are
/// per-document versions; the change log is the outbox table ordered by its sequence number.
/// The write-ahead log is checkpointed from a second connection (<see cref="WalCheckpointer"/>).
/// </summary>
public sealed class SqliteStateStore : IStateStore, IBulkLoader, IDisposable
{
    private readonly TimeProvider _time;
    private readonly SqliteConnection _writer;
    private readonly StoreGate _gate;
    private readonly WalCheckpointer _checkpointer;
    private readonly Dictionary<string, SqliteCommand> _statements = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>How often the log is checkpointed beside the connection (ADR 0008).</summary>
    private static readonly TimeSpan CheckpointPeriod = TimeSpan.FromMilliseconds(100);

    /// <summary>Documents copied per step when a file in the first layout is converted (one progress line each).</summary>
    private const int ConversionStep = 100_000;

    /// <param name="logger">Where the conversion of a file written by an earlier version reports its progress.</param>
    public SqliteStateStore(string databasePath, TimeProvider timeProvider, ILogger<SqliteStateStore>? logger = null)
        : this(databasePath, timeProvider, CheckpointPeriod, logger)
    {
    }

    /// <param name="checkpointPeriod">Time between checkpoint rounds; null runs none (tests drive <see cref="CheckpointRoundAsync"/>).</param>
    /// <param name="conversionStep">Documents copied per progress line when converting a file in the first layout.</param>
    internal SqliteStateStore(
        string databasePath, TimeProvider timeProvider, TimeSpan? checkpointPeriod, ILogger? logger = null, int conversionStep = ConversionStep)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(databasePath));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _time = timeProvider;
        _gate = new StoreGate();
        _writer = new SqliteConnection(connectionString);
        _writer.Open();
        Execute(_writer, $"""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            PRAGMA busy_timeout = 30000;
            -- Checkpoints run beside this connection (WalCheckpointer, ADR 0008); the commit that
            -- takes the log past this many pages checkpoints itself only if that falls behind.
            PRAGMA wal_autocheckpoint = {WalCheckpointer.WriterCheckpointAtPages};
            CREATE TABLE IF NOT EXISTS outbox (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                partition TEXT NOT NULL,
                event_id TEXT NOT NULL,
                type TEXT NOT NULL,
                json TEXT NOT NULL,
                correlation_id TEXT NULL,
                committed_at INTEGER NOT NULL
            );
            """);
        CreateOrConvertDocuments(_writer, logger ?? NullLogger.Instance, conversionStep);
        _checkpointer = new WalCheckpointer(connectionString, _gate, checkpointPeriod);
    }

    public async Task<StoredDocument?> ReadAsync(string partition, string id, CancellationToken cancellationToken)
    {
        using var turn = await TurnAsync(cancellationToken);
        return ReadInTurn(partition, id);
    }

    /// <summary>
    /// The documents in one turn at the connection: a request that needs several of one partition
    /// (a command's idempotency record and its customer, a team's dispatch and roster) waits in
    /// line once, and no commit falls between the reads.
    /// </summary>
    public async Task<IReadOnlyList<StoredDocument?>> ReadManyAsync(string partition, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var documents = new StoredDocument?[ids.Count];
        using var turn = await TurnAsync(cancellationToken);
        for (var i = 0; i < ids.Count; i++)
        {
            documents[i] = ReadInTurn(partition, ids[i]);
        }

        return documents;
    }

    private StoredDocument? ReadInTurn(string partition, string id)
    {
        var command = Statement(
            "SELECT kind, json, version, due_at, expires_at FROM documents WHERE partition = $p AND id = $id", null, partition, id);
        using var reader = command.ExecuteReader();
        return !reader.Read() || IsExpired(reader, 4) ? null : ToDocument(partition, id, reader, 0);
    }

    /// <summary>
    /// A partition's documents of one kind, in id order straight from the kind index (partition,
    /// kind, id). The index is named because SQLite, without statistics, preferred the (partition,
    /// id) key for <c>ORDER BY id</c> and read the whole partition: a team's queue read then walked
    /// every board entry, marker and drill-down entry the team ever had.
    /// </summary>
    internal const string QueryByKindSql =
        "SELECT id, kind, json, version, due_at, expires_at FROM documents INDEXED BY documents_kind WHERE partition = $p AND kind = $k ORDER BY id";

    public Task<IReadOnlyList<StoredDocument>> QueryAsync(string partition, string kind, CancellationToken cancellationToken) =>
        ReadAllAsync(partition, QueryByKindSql, [partition, kind], cancellationToken);

    public Task<IReadOnlyList<StoredDocument>> QueryDueAsync(string partition, string kind, DateTimeOffset dueBy, int max, CancellationToken cancellationToken) =>
        ReadAllAsync(
            partition,
            """
            SELECT id, kind, json, version, due_at, expires_at FROM documents
            WHERE partition = $p AND kind = $k AND due_at IS NOT NULL AND due_at <= $due
            ORDER BY due_at, id LIMIT $max
            """,
            [partition, kind, dueBy.ToUnixTimeMilliseconds(), max],
            cancellationToken);

    public async Task<CommitResult> CommitAsync(
        string partition, IReadOnlyList<WriteOperation> writes, IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        using var turn = await TurnAsync(cancellationToken);
        try
        {
            using var transaction = _writer.BeginTransaction();
            var etags = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var write in writes)
            {
                var live = Live(transaction, partition, write.Id, now);
                var current = live?.Version;
                var conflict = write switch
                {
                    PutDocument { IfMatch: null } when current is not null => "already exists",
                    PutDocument { IfMatch: null } => null,
                    PutDocument { IfMatch: PutDocument.Any } => null,
                    PutDocument p when current is null || p.IfMatch != Tag(current.Value) => "stale etag",
                    DeleteDocument { IfMatch: null or PutDocument.Any } => null,
                    DeleteDocument d when current is not null && d.IfMatch != Tag(current.Value) => "stale etag",
                    _ => null,
                };
                if (conflict is not null)
                {
                    transaction.Rollback();
                    return new CommitConflict(write.Id, $"{write.Id}: {conflict}");
                }

                if (write is PutDocument put)
                {
                    var version = (current ?? 0) + 1;
                    if (live?.Kind == put.Kind)
                    {
                        Replace(transaction, partition, put, version, now);
                    }
                    else
                    {
                        Upsert(transaction, partition, put, version, now);
                    }
                    etags[put.Id] = Tag(version);
                }
                else
                {
                    Delete(transaction, partition, write.Id);
                }
            }

            foreach (var e in events)
            {
                AppendOutbox(transaction, partition, e, now);
            }

            transaction.Commit();
            return new Committed(etags);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 5 or 6)
        {
            throw new StoreUnavailableException("the embedded store is busy", ex);
        }
    }

    public async Task<ChangePage> ReadChangesAsync(string? continuation, int max, CancellationToken cancellationToken)
    {
        var after = continuation is null ? 0L : long.Parse(continuation, CultureInfo.InvariantCulture);
        var changes = new List<ChangeRecord>();
        var last = after;
        using var turn = await TurnAsync(cancellationToken);
        var command = Statement(
            """
            SELECT seq, partition, event_id, type, json, correlation_id, committed_at FROM outbox
            WHERE seq > $after ORDER BY seq LIMIT $max
            """,
            null,
            after,
            max);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            last = reader.GetInt64(0);
            changes.Add(new ChangeRecord(
                reader.GetString(1),
                new OutboxEvent(reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6))));
        }

        return new ChangePage(changes, last.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Removes documents whose time to live has passed (Cosmos DB does this itself), at most
    /// <paramref name="max"/> per call, oldest expiry first, so a large backlog is removed in
    /// short turns between requests; returns how many went. Reads already treat them as gone.
    /// </summary>
    public async Task<int> PurgeExpiredAsync(int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        using var turn = await TurnAsync(cancellationToken);
        return Statement(
            """
            DELETE FROM documents WHERE rowid IN (
                SELECT rowid FROM documents WHERE expires_at IS NOT NULL AND expires_at <= $now ORDER BY expires_at LIMIT $max)
            """,
            null,
            _time.GetUtcNow().ToUnixTimeMilliseconds(),
            max).ExecuteNonQuery();
    }

    /// <summary>
    /// Removes outbox events that every change-feed reader has read past and that were committed
    /// before <paramref name="committedBefore"/>: the embedded store's counterpart of
    /// <c>Cosmos:EventTimeToLive</c>, except that an event nobody has read yet is never removed.
    /// <paramref name="readerPositions"/> are continuations from <see cref="ReadChangesAsync"/>,
    /// one per reader; a reader without one (null, or a continuation this store did not hand out)
    /// has read nothing, so nothing goes. At most <paramref name="max"/> events per call, so a
    /// large backlog is removed in short turns between requests; returns how many went.
    /// Sequence numbers are never reused (AUTOINCREMENT), so a continuation stays valid.
    /// </summary>
    public async Task<int> PurgeDeliveredEventsAsync(
        IReadOnlyCollection<string?> readerPositions, DateTimeOffset committedBefore, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        long? through = null;
        foreach (var position in readerPositions)
        {
            if (!long.TryParse(position, NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
            {
                return 0;
            }

            through = through is null ? seq : Math.Min(through.Value, seq);
        }

        if (through is null)
        {
            return 0;
        }

        using var turn = await TurnAsync(cancellationToken);
        return Statement(
            """
            DELETE FROM outbox WHERE seq IN (
                SELECT seq FROM outbox WHERE seq <= $through AND committed_at < $before ORDER BY seq LIMIT $max)
            """,
            null,
            through,
            committedBefore.ToUnixTimeMilliseconds(),
            max).ExecuteNonQuery();
    }

    /// <summary>Bulk load for seeding and benchmarks: one transaction, unconditional upserts, no events.</summary>
    public async Task BulkUpsertAsync(IEnumerable<(string Partition, PutDocument Document)> documents, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        using var turn = await TurnAsync(cancellationToken);
        using var transaction = _writer.BeginTransaction();
        using var command = _writer.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO documents (partition, id, kind, json, version, due_at, expires_at)
            VALUES ($p, $id, $k, $j, 1, $due, NULL)
            ON CONFLICT (partition, id) DO UPDATE SET kind = excluded.kind, json = excluded.json,
                version = documents.version + 1, due_at = excluded.due_at
            """;
        var p = command.Parameters.Add("$p", SqliteType.Text);
        var id = command.Parameters.Add("$id", SqliteType.Text);
        var k = command.Parameters.Add("$k", SqliteType.Text);
        var j = command.Parameters.Add("$j", SqliteType.Text);
        var due = command.Parameters.Add("$due", SqliteType.Integer);
        command.Prepare();
        foreach (var (partition, document) in documents)
        {
            p.Value = partition;
            id.Value = document.Id;
            k.Value = document.Kind;
            j.Value = document.Json;
            due.Value = document.DueAt is { } d ? d.ToUnixTimeMilliseconds() : DBNull.Value;
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>One checkpoint round now (the background loop's work; for tests).</summary>
    internal Task<(int LogPages, bool CaughtUp)> CheckpointRoundAsync(CancellationToken cancellationToken) =>
        _checkpointer.RoundAsync(cancellationToken);

    /// <summary>This flow's turn at the connection: requests before background work (ADR 0007).</summary>
    private Task<StoreGate.Turn> TurnAsync(CancellationToken cancellationToken) => _gate.EnterAsync(StoreWork.IsBackground, cancellationToken);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var statement in _statements.Values)
        {
            statement.Dispose();
        }

        // The connections really close (not back to the pool) before the checkpointer closes its
        // own descriptor of the file, which would drop their POSIX locks on it.
        _writer.Dispose();
        SqliteConnection.ClearPool(_writer);
        _checkpointer.Dispose();
    }

    /// <summary>
    /// The connection's command for <paramref name="sql"/>, prepared the first time, with its
    /// $parameters, in order of first appearance, set to <paramref name="values"/>. Callers hold
    /// the turn and dispose the reader before the next statement.
    /// </summary>
    private SqliteCommand Statement(string sql, SqliteTransaction? transaction, params object?[] values)
    {
        if (!_statements.TryGetValue(sql, out var command))
        {
            command = _writer.CreateCommand();
            command.CommandText = sql;
            foreach (var name in ParameterNames(sql))
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            _statements[sql] = command;
        }

        command.Transaction = transaction;
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        return command;
    }

    /// <summary>The $names of a statement in order of first appearance.</summary>
    private static List<string> ParameterNames(string sql)
    {
        var names = new List<string>();
        for (var i = sql.IndexOf('$', StringComparison.Ordinal); i >= 0; i = sql.IndexOf('$', i + 1))
        {
            var end = i + 1;
            while (end < sql.Length && (char.IsLetterOrDigit(sql[end]) || sql[end] == '_'))
            {
                end++;
            }

            var name = sql[i..end];
            if (!names.Contains(name))
            {
                names.Add(name);
            }
        }

        return names;
    }

    private async Task<IReadOnlyList<StoredDocument>> ReadAllAsync(string partition, string sql, object?[] values, CancellationToken cancellationToken)
    {
        var documents = new List<StoredDocument>();
        using var turn = await TurnAsync(cancellationToken);
        using var reader = Statement(sql, null, values).ExecuteReader();
        while (reader.Read())
        {
            if (!IsExpired(reader, 5))
            {
                documents.Add(ToDocument(partition, reader.GetString(0), reader, 1));
            }
        }

        return documents;
    }

    private bool IsExpired(SqliteDataReader reader, int ordinal) =>
        !reader.IsDBNull(ordinal) && reader.GetInt64(ordinal) <= _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static StoredDocument ToDocument(string partition, string id, SqliteDataReader reader, int first) => new(
        partition,
        id,
        reader.GetString(first),
        reader.GetString(first + 1),
        Tag(reader.GetInt64(first + 2)),
        reader.IsDBNull(first + 3) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(first + 3)));

    private static string Tag(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>The version and kind of the document if it is there and not expired.</summary>
    private (long Version, string Kind)? Live(SqliteTransaction transaction, string partition, string id, long now)
    {
        using var reader = Statement("SELECT version, expires_at, kind FROM documents WHERE partition = $p AND id = $id", transaction, partition, id).ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        // An expired document counts as absent, but keeps its version so ETags never repeat.
        return !reader.IsDBNull(1) && reader.GetInt64(1) <= now ? null : (reader.GetInt64(0), reader.GetString(2));
    }

    /// <summary>
    /// A new version of a live document of the same kind. Unlike the upsert, this statement does
    /// not set the kind, so SQLite leaves the document's entry in the kind index alone: one
    /// index page fewer to change and log per replaced document (most writes are replacements).
    /// </summary>
    private void Replace(SqliteTransaction transaction, string partition, PutDocument put, long version, long now) =>
        Statement(
            "UPDATE documents SET json = $j, version = $v, due_at = $due, expires_at = $exp WHERE partition = $p AND id = $id",
            transaction,
            put.Json,
            version,
            put.DueAt?.ToUnixTimeMilliseconds(),
            put.TimeToLive is { } ttl ? now + (long)ttl.TotalMilliseconds : null,
            partition,
            put.Id).ExecuteNonQuery();

    private void Upsert(SqliteTransaction transaction, string partition, PutDocument put, long version, long now) =>
        Statement(
            """
            INSERT INTO documents (partition, id, kind, json, version, due_at, expires_at)
            VALUES ($p, $id, $k, $j, $v, $due, $exp)
            ON CONFLICT (partition, id) DO UPDATE SET kind = excluded.kind, json = excluded.json,
                version = MAX(documents.version + 1, excluded.version), due_at = excluded.due_at, expires_at = excluded.expires_at
            """,
            transaction,
            partition,
            put.Id,
            put.Kind,
            put.Json,
            version,
            put.DueAt?.ToUnixTimeMilliseconds(),
            put.TimeToLive is { } ttl ? now + (long)ttl.TotalMilliseconds : null).ExecuteNonQuery();

    private void Delete(SqliteTransaction transaction, string partition, string id) =>
        Statement("DELETE FROM documents WHERE partition = $p AND id = $id", transaction, partition, id).ExecuteNonQuery();

    private void AppendOutbox(SqliteTransaction transaction, string partition, OutboxEvent e, long now) =>
        Statement(
            """
            INSERT INTO outbox (partition, event_id, type, json, correlation_id, committed_at)
            VALUES ($p, $id, $t, $j, $c, $at)
            """,
            transaction,
            partition,
            e.EventId,
            e.Type,
            e.Json,
            e.CorrelationId,
            now).ExecuteNonQuery();

    /// <summary>
    /// Documents live in an ordinary (rowid) table with a unique index on (partition, id). The
    /// first layout clustered them on (partition, id) in a WITHOUT ROWID table. SQLite keeps at
    /// most about 1 KB of such a row in its tree page and moves the rest to an overflow page of
    /// its own, so a 2-3 KB case or idempotency record took two to three pages, and every new
    /// case split a page in the middle of the tree. A rowid table keeps rows up to about 4 KB in
    /// one page and appends new ones at its end (measured in docs/performance.md). A file with
    /// the first layout is converted when it is opened: copied into the new layout in one
    /// transaction, <paramref name="step"/> documents at a time in key order, with a progress
    /// line for each step (a large book takes a while, and a host that says nothing looks hung).
    /// </summary>
    private static void CreateOrConvertDocuments(SqliteConnection connection, ILogger logger, int step)
    {
        const string create = """
            CREATE TABLE documents (
                partition TEXT NOT NULL,
                id TEXT NOT NULL,
                kind TEXT NOT NULL,
                json TEXT NOT NULL,
                version INTEGER NOT NULL,
                due_at INTEGER NULL,
                expires_at INTEGER NULL
            );
            CREATE UNIQUE INDEX documents_id ON documents (partition, id);
            CREATE INDEX documents_kind ON documents (partition, kind, id);
            CREATE INDEX documents_due ON documents (partition, kind, due_at) WHERE due_at IS NOT NULL;
            CREATE INDEX documents_expiry ON documents (expires_at) WHERE expires_at IS NOT NULL;
            """;
        var existing = Scalar(connection, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'documents'") as string;
        if (existing is null)
        {
            Execute(connection, create);
            return;
        }

        if (!existing.Contains("WITHOUT ROWID", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        using var transaction = connection.BeginTransaction();
        Execute(connection, $"""
            ALTER TABLE documents RENAME TO documents_first_layout;
            DROP INDEX IF EXISTS documents_kind;
            DROP INDEX IF EXISTS documents_due;
            DROP INDEX IF EXISTS documents_expiry;
            {create}
            """, transaction);
        var total = (long)Scalar(connection, "SELECT count(*) FROM documents_first_layout", transaction)!;
        logger.LogInformation("Converting the data file to the current layout: {Total} documents", total);
        using var copy = connection.CreateCommand();
        copy.Transaction = transaction;
        copy.CommandText = """
            INSERT INTO documents (partition, id, kind, json, version, due_at, expires_at)
                SELECT partition, id, kind, json, version, due_at, expires_at FROM documents_first_layout
                WHERE (partition, id) > ($p, $id) ORDER BY partition, id LIMIT $step;
            """;
        var afterPartition = copy.Parameters.AddWithValue("$p", string.Empty);
        var afterId = copy.Parameters.AddWithValue("$id", string.Empty);
        copy.Parameters.AddWithValue("$step", step);
        using var last = connection.CreateCommand();
        last.Transaction = transaction;
        last.CommandText = "SELECT partition, id FROM documents WHERE rowid = last_insert_rowid()";
        for (long done = 0, copied; (copied = copy.ExecuteNonQuery()) > 0;)
        {
            done += copied;
            using (var reader = last.ExecuteReader())
            {
                reader.Read();
                afterPartition.Value = reader.GetString(0);
                afterId.Value = reader.GetString(1);
            }

            logger.LogInformation("Converted documents {Done}/{Total}", done, total);
        }

        Execute(connection, "DROP TABLE documents_first_layout", transaction);
        transaction.Commit();
        logger.LogInformation("Converted the data file in {Seconds:F1} s", Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private static object? Scalar(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
