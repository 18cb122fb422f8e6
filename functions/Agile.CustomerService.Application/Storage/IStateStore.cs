namespace Agile.CustomerService.Application.Storage;

/// <summary>A stored JSON document with its concurrency token.</summary>
public sealed record StoredDocument(string Partition, string Id, string Kind, string Json, string ETag, DateTimeOffset? DueAt);

/// <summary>One write of a commit. All writes of a commit share one partition.</summary>
public abstract record WriteOperation(string Id);

/// <summary>
/// Creates or replaces a document. <see cref="IfMatch"/>: null = create only (conflict if it exists),
/// <see cref="Any"/> = unconditional upsert, otherwise the ETag the caller read.
/// </summary>
public sealed record PutDocument(
    string Id,
    string Kind,
    string Json,
    string? IfMatch,
    DateTimeOffset? DueAt = null,
    TimeSpan? TimeToLive = null) : WriteOperation(Id)
{
    public const string Any = "*";
}

/// <summary>Deletes a document; a missing document is not an error. IfMatch as for <see cref="PutDocument"/>.</summary>
public sealed record DeleteDocument(string Id, string? IfMatch = PutDocument.Any) : WriteOperation(Id);

/// <summary>An event written atomically with the state that produced it; its id is its identity downstream.</summary>
public sealed record OutboxEvent(string EventId, string Type, string Json, string? CorrelationId);

/// <summary>An outbox event as read from the ordered change log.</summary>
public sealed record ChangeRecord(string Partition, OutboxEvent Event, DateTimeOffset CommittedAt);

/// <summary>A page of the change log, and the position to continue from.</summary>
public sealed record ChangePage(IReadOnlyList<ChangeRecord> Changes, string? Continuation);

public abstract record CommitResult;

/// <summary>All writes and events were stored; the new ETag per written id.</summary>
public sealed record Committed(IReadOnlyDictionary<string, string> ETags) : CommitResult;

/// <summary>Nothing was stored: a precondition failed (stale ETag, or create of an existing id).</summary>
public sealed record CommitConflict(string Id, string Reason) : CommitResult;

/// <summary>
/// The storage port. Partitions are the unit of atomicity: a commit writes documents and
/// outbox events of one partition all together or not at all. The change log returns outbox
/// events in commit order within a partition, at least once, resumable from a continuation.
/// Callers keep to what the Cosmos DB adapter needs: at most <see cref="MaxOperationsPerCommit"/>
/// writes and events in one commit (one transactional batch), and event ids unique within their
/// partition (events are items there too). Callers may not rely on more than this: the
/// <c>max</c> of <see cref="ReadChangesAsync"/> is a hint (a page may hold fewer or more events),
/// and a document whose time to live has passed is never read again, but is removed later.
/// </summary>
public interface IStateStore
{
    public const int MaxOperationsPerCommit = 100;

    Task<StoredDocument?> ReadAsync(string partition, string id, CancellationToken cancellationToken);

    /// <summary>
    /// Several documents of one partition, in the order of <paramref name="ids"/>, null where one is
    /// missing or expired; each as <see cref="ReadAsync"/> would return it. Not a snapshot: a commit may
    /// fall between two of the reads (the embedded store reads them in one turn, so none does there).
    /// By default one read after the other.
    /// </summary>
    async Task<IReadOnlyList<StoredDocument?>> ReadManyAsync(string partition, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var documents = new StoredDocument?[ids.Count];
        for (var i = 0; i < ids.Count; i++)
        {
            documents[i] = await ReadAsync(partition, ids[i], cancellationToken);
        }

        return documents;
    }

    /// <summary>Every document of one kind in one partition (single-partition query).</summary>
    Task<IReadOnlyList<StoredDocument>> QueryAsync(string partition, string kind, CancellationToken cancellationToken);

    /// <summary>Documents of one kind in one partition whose due time has come, earliest first.</summary>
    Task<IReadOnlyList<StoredDocument>> QueryDueAsync(string partition, string kind, DateTimeOffset dueBy, int max, CancellationToken cancellationToken);

    Task<CommitResult> CommitAsync(string partition, IReadOnlyList<WriteOperation> writes, IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken);

    Task<ChangePage> ReadChangesAsync(string? continuation, int max, CancellationToken cancellationToken);
}

/// <summary>A store failure that is not the caller's fault and may pass (throttling, timeouts); callers may retry.</summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Optional fast path for seeding and benchmarks: unconditional upserts, no events.</summary>
public interface IBulkLoader
{
    Task BulkUpsertAsync(IEnumerable<(string Partition, PutDocument Document)> documents, CancellationToken cancellationToken);
}
