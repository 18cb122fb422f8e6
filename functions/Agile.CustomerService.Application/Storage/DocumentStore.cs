namespace Agile.CustomerService.Application.Storage;

/// <summary>A typed document with the ETag it was read at.</summary>
public sealed record Versioned<T>(T Value, string ETag);

public static class StateStoreExtensions
{
    public static async Task<Versioned<T>?> ReadAsync<T>(this IStateStore store, string partition, string id, CancellationToken cancellationToken) =>
        (await store.ReadAsync(partition, id, cancellationToken)).As<T>();

    /// <summary>A document as read by <see cref="IStateStore.ReadManyAsync"/>, with its value decoded.</summary>
    public static Versioned<T>? As<T>(this StoredDocument? document) =>
        document is null ? null : new Versioned<T>(Json.Read<T>(document.Json), document.ETag);

    public static async Task<IReadOnlyList<Versioned<T>>> QueryAsync<T>(this IStateStore store, string partition, string kind, CancellationToken cancellationToken)
    {
        var documents = await store.QueryAsync(partition, kind, cancellationToken);
        return [.. documents.Select(d => new Versioned<T>(Json.Read<T>(d.Json), d.ETag))];
    }

    public static PutDocument Put<T>(string id, string kind, T value, string? ifMatch, DateTimeOffset? dueAt = null, TimeSpan? timeToLive = null) =>
        new(id, kind, Json.Write(value), ifMatch, dueAt, timeToLive);

    public static Task<CommitResult> CommitAsync(this IStateStore store, string partition, CancellationToken cancellationToken, params WriteOperation[] writes) =>
        store.CommitAsync(partition, writes, [], cancellationToken);
}
