using System.Globalization;
using Agile.CustomerService.Application.Pipeline;
using Agile.CustomerService.Application.Storage;

namespace Agile.CustomerService.Host.Local;

/// <summary>A message on a local queue: what Service Bus would hand the Functions host.</summary>
internal sealed record LocalMessage(string MessageId, string? SessionId, string Body, DateTimeOffset EnqueuedAt, int DeliveryCount);

/// <summary>
/// LOCAL STAND-IN for Service Bus queues and topic subscriptions, kept in the state store so it
/// survives a restart: messages in enqueue order per entity, delivery counts, dead letters with
/// their reason after <see cref="MaxDeliveryCount"/> failed deliveries.
/// </summary>
internal sealed class LocalBus(IStateStore store, TimeProvider time)
{
    public const int MaxDeliveryCount = 10;

    /// <summary>
    /// How many of an entity's oldest messages a peek reads: a few batches' worth, so that a long
    /// backlog costs a delivery round no more than a short one (the soak in docs/performance.md).
    /// </summary>
    public const int PeekWindow = 5 * IStateStore.MaxOperationsPerCommit;

    private long _sequence = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _lined = new(StringComparer.Ordinal);

    public async Task<string> EnqueueAsync(string entity, string body, string? sessionId, string? messageId, CancellationToken cancellationToken)
    {
        var id = messageId ?? Guid.CreateVersion7().ToString("N");
        await store.CommitAsync(Partitions.LocalQueue(entity), cancellationToken, Put(id, sessionId, body));
        return id;
    }

    /// <summary>
    /// A message's document: its id sorts after every message enqueued before it, and its due time
    /// (the millisecond of its sequence number) keeps the same order, so the oldest messages are a
    /// due-time query away (<see cref="PlaceInLine"/>).
    /// </summary>
    private PutDocument Put(string messageId, string? sessionId, string body)
    {
        var documentId = $"m:{Interlocked.Increment(ref _sequence).ToString("D20", CultureInfo.InvariantCulture)}:{messageId}";
        return StateStoreExtensions.Put(
            documentId, Kinds.Message, new LocalMessage(messageId, sessionId, body, time.GetUtcNow(), 0), PutDocument.Any, dueAt: PlaceInLine(documentId));
    }

    private static DateTimeOffset PlaceInLine(string documentId) =>
        DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(documentId.AsSpan(2, 20), CultureInfo.InvariantCulture) / 1000);

    /// <summary>Enqueues messages in their order, as few commits as the store allows (a publisher's outputs).</summary>
    public async Task EnqueueManyAsync(string entity, IReadOnlyList<string> bodies, CancellationToken cancellationToken)
    {
        foreach (var chunk in bodies.Chunk(IStateStore.MaxOperationsPerCommit))
        {
            await store.CommitAsync(
                Partitions.LocalQueue(entity), [.. chunk.Select(body => (WriteOperation)Put(Guid.CreateVersion7().ToString("N"), null, body))], [], cancellationToken);
        }
    }

    /// <summary>Completes delivered messages, as few commits as the store allows (a batch delivered in one invocation).</summary>
    public async Task CompleteManyAsync(string entity, IReadOnlyList<string> documentIds, CancellationToken cancellationToken)
    {
        foreach (var chunk in documentIds.Chunk(IStateStore.MaxOperationsPerCommit))
        {
            await store.CommitAsync(Partitions.LocalQueue(entity), [.. chunk.Select(id => (WriteOperation)new DeleteDocument(id))], [], cancellationToken);
        }
    }

    /// <summary>The oldest messages waiting on an entity, oldest first, at most <paramref name="max"/>.</summary>
    public async Task<IReadOnlyList<(string DocumentId, string ETag, LocalMessage Message)>> PeekAsync(
        string entity, CancellationToken cancellationToken, int max = PeekWindow)
    {
        var partition = Partitions.LocalQueue(entity);
        if (!_lined.ContainsKey(entity))
        {
            await LineUpAsync(partition, cancellationToken);
            _lined[entity] = true;
        }

        var documents = await store.QueryDueAsync(partition, Kinds.Message, DateTimeOffset.MaxValue, max, cancellationToken);
        if (documents.Count == max && documents[^1].DueAt is var lastDue && documents[0].DueAt != lastDue)
        {
            // A store may cut a full window inside the last millisecond in any order: leave that
            // millisecond whole to the next peek rather than deliver part of it out of order.
            documents = [.. documents.Where(d => d.DueAt != lastDue)];
        }

        return [.. documents.OrderBy(d => d.DueAt).ThenBy(d => d.Id, StringComparer.Ordinal).Select(d => (d.Id, d.ETag, Json.Read<LocalMessage>(d.Json)))];
    }

    /// <summary>Messages stored before they had a place in line (data files from before 2026-12-06) get one.</summary>
    private async Task LineUpAsync(string partition, CancellationToken cancellationToken)
    {
        foreach (var unlined in (await store.QueryAsync(partition, Kinds.Message, cancellationToken)).Where(d => d.DueAt is null))
        {
            await store.CommitAsync(partition, cancellationToken, new PutDocument(unlined.Id, Kinds.Message, unlined.Json, unlined.ETag, PlaceInLine(unlined.Id)));
        }
    }

    public Task CompleteAsync(string entity, string documentId, CancellationToken cancellationToken) =>
        CompleteManyAsync(entity, [documentId], cancellationToken);

    /// <summary>Counts a failed delivery; past the maximum the message moves to the dead letters with the reason.</summary>
    public async Task AbandonAsync(string entity, string documentId, LocalMessage message, string reason, CancellationToken cancellationToken)
    {
        var failed = message with { DeliveryCount = message.DeliveryCount + 1 };
        if (failed.DeliveryCount < MaxDeliveryCount)
        {
            await store.CommitAsync(Partitions.LocalQueue(entity), cancellationToken, StateStoreExtensions.Put(documentId, Kinds.Message, failed, PutDocument.Any, dueAt: PlaceInLine(documentId)));
            return;
        }

        var letter = new DeadLetter(entity, message.MessageId, message.Body, failed.DeliveryCount, $"MaxDeliveryCountExceeded: {reason}", time.GetUtcNow());
        await store.CommitAsync(Partitions.DeadLetters, cancellationToken, StateStoreExtensions.Put($"{entity}:{message.MessageId}", Kinds.DeadLetter, letter, PutDocument.Any));
        await CompleteAsync(entity, documentId, cancellationToken);
    }

    public async Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(CancellationToken cancellationToken) =>
        [.. (await store.QueryAsync<DeadLetter>(Partitions.DeadLetters, Kinds.DeadLetter, cancellationToken)).Select(d => d.Value).OrderBy(d => d.At)];
}
