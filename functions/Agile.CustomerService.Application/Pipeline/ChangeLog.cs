using Agile.CustomerService.Application.Storage;
using Microsoft.Extensions.Logging;

namespace Agile.CustomerService.Application.Pipeline;

/// <summary>A consumer of the change log. Must be idempotent: every event may arrive more than once.</summary>
public interface IChangeSubscriber
{
    string Name { get; }

    Task HandleAsync(ChangeRecord change, CancellationToken cancellationToken);
}

public sealed record Checkpoint(string Subscriber, string? Continuation);

/// <summary>An event a subscriber failed on too often; kept with the reason, never retried automatically.</summary>
public sealed record DeadLetter(string Subscriber, string EventId, string Type, string Json, int Attempts, string Reason, DateTimeOffset At);

/// <summary>
/// Delivers the change log to each subscriber in order, at least once, from a stored checkpoint.
/// An event that keeps failing is dead-lettered after <see cref="MaxAttempts"/> so it cannot block
/// the events behind it.
/// </summary>
public sealed class ChangeLogRunner(IStateStore store, IEnumerable<IChangeSubscriber> subscribers, TimeProvider time, ILogger<ChangeLogRunner> logger) : IDisposable
{
    public const int MaxAttempts = 5;
    public const string DeadLetters = "deadletters";
    private readonly IReadOnlyList<IChangeSubscriber> _subscribers = [.. subscribers];
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Delivers one page per subscriber; returns how many events were delivered.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var delivered = 0;
            foreach (var subscriber in _subscribers)
            {
                delivered += await DeliverPageAsync(subscriber, cancellationToken);
            }

            return delivered;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Delivers until the log is exhausted for every subscriber.</summary>
    public async Task<int> DrainAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        int delivered;
        do
        {
            delivered = await RunOnceAsync(cancellationToken);
            total += delivered;
        }
        while (delivered > 0);
        return total;
    }

    public void Dispose() => _gate.Dispose();

    private async Task<int> DeliverPageAsync(IChangeSubscriber subscriber, CancellationToken cancellationToken)
    {
        var stored = await store.ReadAsync<Checkpoint>(Partitions.Checkpoints, subscriber.Name, cancellationToken);
        var page = await store.ReadChangesAsync(stored?.Value.Continuation, 100, cancellationToken);
        if (page.Changes.Count == 0)
        {
            return 0;
        }

        foreach (var change in page.Changes)
        {
            await DeliverAsync(subscriber, change, cancellationToken);
        }

        var checkpoint = StateStoreExtensions.Put(subscriber.Name, Kinds.Checkpoint, new Checkpoint(subscriber.Name, page.Continuation), stored?.ETag);
        await store.CommitAsync(Partitions.Checkpoints, cancellationToken, checkpoint);
        return page.Changes.Count;
    }

    private async Task DeliverAsync(IChangeSubscriber subscriber, ChangeRecord change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await subscriber.HandleAsync(change, cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "{Subscriber} failed on event {EventId} (attempt {Attempt})", subscriber.Name, change.Event.EventId, attempt);
                if (attempt < MaxAttempts)
                {
                    continue;
                }

                var letter = new DeadLetter(subscriber.Name, change.Event.EventId, change.Event.Type, change.Event.Json, attempt, ex.Message, time.GetUtcNow());
                await store.CommitAsync(DeadLetters, cancellationToken, StateStoreExtensions.Put($"{subscriber.Name}:{change.Event.EventId}", "deadletter", letter, PutDocument.Any));
                return;
            }
        }
    }
}
