using Agile.CustomerService.Domain.Cases;

namespace Agile.CustomerService.Application.Cases;

/// <summary>A case's state and its whole history, stored as one document in the customer's partition.</summary>
public sealed record CaseDocument(SupportCase State, IReadOnlyList<CaseEvent> History)
{
    public CaseDocument Apply(IReadOnlyList<CaseEvent> events)
    {
        var state = events.Aggregate((SupportCase?)State, CaseDecider.Evolve)!;
        return new CaseDocument(state, [.. History, .. events]);
    }

    public static CaseDocument Start(IReadOnlyList<CaseEvent> events) =>
        new(CaseDecider.Replay(events) ?? throw new InvalidOperationException("a case starts with CaseOpened"), events);
}

/// <summary>
/// The first result of an idempotent request, returned again on a repeat with the same key. A
/// case command keeps no copy of its answer: its answer is the case as of <see cref="CaseVersion"/>,
/// rebuilt from the case's append-only history on a repeat (<see cref="CaseView.AsOf"/>).
/// </summary>
public sealed record CommandRecord(string Key, string Operation, string RequestHash, int Status, string Body, string? ETag, string? Location, string? CaseId = null, int? CaseVersion = null);

/// <summary>A case as the API shows it: state, ETag-able version and the audited history.</summary>
public sealed record CaseView(SupportCase Case, IReadOnlyList<CaseEvent> History)
{
    public static CaseView Of(CaseDocument document) => new(document.State, document.History);

    /// <summary>The case as it was at <paramref name="version"/> (its first that many events); null if it never was.</summary>
    public static CaseView? AsOf(CaseDocument document, int version)
    {
        if (version < 1 || version > document.History.Count)
        {
            return null;
        }

        var history = document.History.Take(version).ToList();
        return CaseDecider.Replay(history) is { } state ? new CaseView(state, history) : null;
    }
}
