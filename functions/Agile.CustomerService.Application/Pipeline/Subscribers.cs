using Agile.CustomerService.Application.Cases;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Domain.Cases;

namespace Agile.CustomerService.Application.Pipeline;

/// <summary>A consumer of case events. Must be idempotent: every event may arrive more than once, and out of order across customers.</summary>
public interface IChangeSubscriber
{
    string Name { get; }

    /// <summary>
    /// One change of a batch delivered in one invocation, in the batch's order. A subscriber may
    /// use the rest of the batch to skip work a later change does anyway.
    /// </summary>
    Task HandleAsync(ChangeBatch batch, int index, CancellationToken cancellationToken);

    /// <summary>One change on its own: a batch of one.</summary>
    Task HandleAsync(ChangeRecord change, CancellationToken cancellationToken) => HandleAsync(new ChangeBatch([change]), 0, cancellationToken);
}

/// <summary>
/// The changes of one invocation, with what subscribers share while they apply them: each
/// change's case event, read once, and each case's document, read once. Every change of a batch
/// was committed before the batch was delivered, so a case read at any point while the batch is
/// applied already holds every event of the batch.
/// </summary>
public sealed class ChangeBatch
{
    private readonly IReadOnlyList<ChangeRecord> _changes;
    private readonly CaseEvent?[] _events;
    private readonly Dictionary<string, Versioned<CaseDocument>?> _cases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, object> _scratch = new(StringComparer.Ordinal);

    public ChangeBatch(IReadOnlyList<ChangeRecord> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        _changes = changes;
        _events = [.. changes.Select(c => CaseEventJson.TryRead(c.Event))];
    }

    public int Count => _changes.Count;

    public ChangeRecord this[int index] => _changes[index];

    /// <summary>The case event of a change; null for other events (schedule, approvals).</summary>
    public CaseEvent? EventAt(int index) => _events[index];

    /// <summary>Whether a later change of the batch is an event of the same case that <paramref name="counts"/>.</summary>
    public bool HasLaterEventOfTheSameCase(int index, Func<CaseEvent, bool> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (_events[index] is not { } e)
        {
            return false;
        }

        for (var later = index + 1; later < _events.Length; later++)
        {
            if (_events[later] is { } next && next.CaseId == e.CaseId && counts(next))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="index"/> is the batch's last change: where work gathered over the batch is written.</summary>
    public bool IsLast(int index) => index == _changes.Count - 1;

    /// <summary>A subscriber's own state for this batch (work it gathers while applying the changes).</summary>
    public T Scratch<T>(string owner)
        where T : class, new()
    {
        if (!_scratch.TryGetValue(owner, out var value))
        {
            value = new T();
            _scratch[owner] = value;
        }

        return (T)value;
    }

    /// <summary>
    /// The case's document, read once per batch. Only for subscribers that do not write cases: a
    /// subscriber that does must read the case itself.
    /// </summary>
    public async Task<Versioned<CaseDocument>?> CaseAsync(CaseService cases, string caseId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cases);
        if (!_cases.TryGetValue(caseId, out var document))
        {
            document = await cases.GetAsync(caseId, cancellationToken);
            _cases[caseId] = document;
        }

        return document;
    }
}

/// <summary>A message that was not processed, kept with the reason; nothing retries it automatically.</summary>
public sealed record DeadLetter(string Source, string MessageId, string Body, int Attempts, string Reason, DateTimeOffset At);

/// <summary>Where a change-feed consumer has read up to.</summary>
public sealed record Checkpoint(string Consumer, string? Continuation);
