using System.Text.Json.Serialization;
using Agile.CustomerService.Domain.Organisation;

namespace Agile.CustomerService.Domain.Cases;

/// <summary>Every transition records who (<see cref="By"/>), when (<see cref="At"/>) and why (<see cref="Reason"/>).</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(CaseOpened), nameof(CaseOpened))]
[JsonDerivedType(typeof(PersonRequested), nameof(PersonRequested))]
[JsonDerivedType(typeof(CaseQueued), nameof(CaseQueued))]
[JsonDerivedType(typeof(CaseOffered), nameof(CaseOffered))]
[JsonDerivedType(typeof(OfferAccepted), nameof(OfferAccepted))]
[JsonDerivedType(typeof(OfferDeclined), nameof(OfferDeclined))]
[JsonDerivedType(typeof(OfferTimedOut), nameof(OfferTimedOut))]
[JsonDerivedType(typeof(HelpRequested), nameof(HelpRequested))]
[JsonDerivedType(typeof(CaseSpilledOver), nameof(CaseSpilledOver))]
[JsonDerivedType(typeof(CaseResolved), nameof(CaseResolved))]
[JsonDerivedType(typeof(CaseReopened), nameof(CaseReopened))]
[JsonDerivedType(typeof(CaseClosed), nameof(CaseClosed))]
public abstract record CaseEvent(string CaseId, string By, DateTimeOffset At, string Reason);

public sealed record CaseOpened(
    string CaseId,
    string CustomerId,
    string OwningTeamId,
    Channel Channel,
    string Topic,
    CaseTier Tier,
    CustomerTier CustomerTier,
    string? RequiredSkill,
    string? RepeatOf,
    string? SelfServiceAnswer,
    string? PreferredAgentId,
    string By,
    DateTimeOffset At,
    string Reason) : CaseEvent(CaseId, By, At, Reason);

public sealed record PersonRequested(string CaseId, string By, DateTimeOffset At, string Reason)
    : CaseEvent(CaseId, By, At, Reason);

public sealed record CaseQueued(string CaseId, string TeamId, DateTimeOffset SpillAt, string By, DateTimeOffset At, string Reason)
    : CaseEvent(CaseId, By, At, Reason);

public sealed record CaseOffered(string CaseId, string TeamId, string AgentId, DateTimeOffset ExpiresAt, string By, DateTimeOffset At, string Reason)
    : CaseEvent(CaseId, By, At, Reason);

public sealed record OfferAccepted(string CaseId, string AgentId, string By, DateTimeOffset At, string Reason)
    : CaseEvent(CaseId, By, At, Reason);

public sealed record OfferDeclined(string CaseId, string AgentId, string By, DateTimeOffset At, string Reason)
    : CaseEvent(CaseId, By, At, Reason);

public sealed record OfferTimedOut(string CaseId, string AgentId, string By, DateTimeOffset At, string Reason)
    : CaseEvent(CaseId, By, At, Reason);

public sealed record HelpRequested(string CaseId, string AgentId, string AssistantId, string By, DateTimeOffset At, string Reason)
    : CaseEvent(CaseId, By, At, Reason);

public sealed record CaseSpilledOver(string CaseId, string FromTeamId, string ToTeamId, string By, DateTimeOffset At, string Reason)
    : CaseEvent(CaseId, By, At, Reason);

public sealed record CaseResolved(string CaseId, string AgentId, string TeamId, string Resolution, string By, DateTimeOffset At, string Reason)
    : CaseEvent(CaseId, By, At, Reason);

public sealed record CaseReopened(string CaseId, string By, DateTimeOffset At, string Reason)
    : CaseEvent(CaseId, By, At, Reason);

public sealed record CaseClosed(string CaseId, string By, DateTimeOffset At, string Reason)
    : CaseEvent(CaseId, By, At, Reason);
