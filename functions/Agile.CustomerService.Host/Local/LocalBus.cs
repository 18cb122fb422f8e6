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
    private long _sequence = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;

    public async Task<string> EnqueueAsync(string entity, string body, string? sessionId, string? messageId, CancellationToken cancellationToken)
    {
        var id = messageId ?? Guid.CreateVersion7().ToString("N");
        await store.CommitAsync(Partitions.LocalQueue(entity), cancellationToken, Put(id, sessionId, body));
        return id;
    }

    /// <summary>A message's document: its id sorts after every message enqueued before it.</summary>
    private PutDocument Put(string messageId, string? sessionId, string body)
    {
        var seq = Interlocked.Increment(ref _sequence).ToString("D20", CultureInfo.InvariantCulture);
        return StateStoreExtensions.Put($"m:{seq}:{messageId}", Kinds.Message, new LocalMessage(messageId, sessionId, body, time.GetUtcNow(), 0), PutDocument.Any);
    }

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

    /// <summary>Messages waiting on an entity, oldest first.</summary>
    public async Task<IReadOnlyList<(string DocumentId, string ETag, LocalMessage Message)>> PeekAsync(string entity, CancellationToken cancellationToken)
    {
        var documents = await store.QueryAsync(Partitions.LocalQueue(entity), Kinds.Message, cancellationToken);
        return [.. documents.OrderBy(d => d.Id, StringComparer.Ordinal).Select(d => (d.Id, d.ETag, Json.Read<LocalMessage>(d.Json)))];
    }

    public Task CompleteAsync(string entity, string documentId, CancellationToken cancellationToken) =>
        CompleteManyAsync(entity, [documentId], cancellationToken);

    /// <summary>Counts a failed delivery; past the maximum the message moves to the dead letters with the reason.</summary>
    public async Task AbandonAsync(string entity, string documentId, LocalMessage message, string reason, CancellationToken cancellationToken)
    {
        var failed = message with { DeliveryCount = message.DeliveryCount + 1 };
        if (failed.DeliveryCount < MaxDeliveryCount)
        {
            await store.CommitAsync(Partitions.LocalQueue(entity), cancellationToken, StateStoreExtensions.Put(documentId, Kinds.Message, failed, PutDocument.Any));
            return;
        }

        var letter = new DeadLetter(entity, message.MessageId, message.Body, failed.DeliveryCount, $"MaxDeliveryCountExceeded: {reason}", time.GetUtcNow());
        await store.CommitAsync(Partitions.DeadLetters, cancellationToken, StateStoreExtensions.Put($"{entity}:{message.MessageId}", Kinds.DeadLetter, letter, PutDocument.Any));
        await CompleteAsync(entity, documentId, cancellationToken);
    }

    public async Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(CancellationToken cancellationToken) =>
        [.. (await store.QueryAsync<DeadLetter>(Partitions.DeadLetters, Kinds.DeadLetter, cancellationToken)).Select(d => d.Value).OrderBy(d => d.At)];
}
