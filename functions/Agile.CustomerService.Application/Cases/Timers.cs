using Agile.CustomerService.Application.Storage;

namespace Agile.CustomerService.Application.Cases;

public enum TimerKind
{
    OfferTimeout,
    SpillCheck,

    /// <summary>A shift of a team with a published schedule starts: offer the team's waiting work (CaseId is "{teamId}@{start}").</summary>
    ShiftStart,
}

/// <summary>A due-time record: swept when due, handled idempotently against the case's current state.</summary>
public sealed record CaseTimer(TimerKind Kind, string CaseId, string TeamId, string? AgentId, DateTimeOffset DueAt)
{
    public string Id => IdOf(Kind, CaseId);

    public string Partition => Partitions.TimerShardFor(CaseId);

    /// <summary>A case has at most one timer of each kind: a new one replaces the old.</summary>
    public static string IdOf(TimerKind kind, string caseId) => $"{kind}:{caseId}";

    public PutDocument ToPut() => StateStoreExtensions.Put(Id, Kinds.Timer, this, PutDocument.Any, DueAt);
}
