using Agile.CustomerService.Application.Storage;

namespace Agile.CustomerService.Application.Pipeline;

/// <summary>A consumer of case events. Must be idempotent: every event may arrive more than once, and out of order across customers.</summary>
public interface IChangeSubscriber
{
    string Name { get; }

    Task HandleAsync(ChangeRecord change, CancellationToken cancellationToken);
}

/// <summary>A message that was not processed, kept with the reason; nothing retries it automatically.</summary>
public sealed record DeadLetter(string Source, string MessageId, string Body, int Attempts, string Reason, DateTimeOffset At);

/// <summary>Where a change-feed consumer has read up to.</summary>
public sealed record Checkpoint(string Consumer, string? Continuation);
