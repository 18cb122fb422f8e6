using Agile.CustomerService.Domain.Organisation;

namespace Agile.CustomerService.Domain.Cases;

public abstract record CaseCommand(string By, DateTimeOffset At);

public sealed record OpenCase(
    string CaseId,
    Customer Customer,
    Channel Channel,
    string Topic,
    CaseTier Tier,
    string? RequiredSkill,
    string? SelfServiceAnswer,
    string? RepeatOf,
    string By,
    DateTimeOffset At) : CaseCommand(By, At);

/// <summary>The customer of a self-service case asks for a person.</summary>
public sealed record RequestPerson(string By, DateTimeOffset At, string Reason) : CaseCommand(By, At);

public sealed record QueueCase(string TeamId, DateTimeOffset SpillAt, string By, DateTimeOffset At, string Reason) : CaseCommand(By, At);

public sealed record OfferCase(string TeamId, string AgentId, DateTimeOffset ExpiresAt, string By, DateTimeOffset At, string Reason) : CaseCommand(By, At);

public sealed record AcceptOffer(string AgentId, DateTimeOffset At) : CaseCommand(AgentId, At);

public sealed record DeclineOffer(string AgentId, string Reason, DateTimeOffset At) : CaseCommand(AgentId, At);

/// <summary>Sent by the timer sweep: takes an unanswered offer back so it can be offered to the next agent.</summary>
public sealed record TimeOutOffer(string AgentId, DateTimeOffset ExpiresAt, DateTimeOffset At) : CaseCommand("timer", At);

public sealed record AskForHelp(string AgentId, string AssistantId, string Reason, DateTimeOffset At) : CaseCommand(AgentId, At);

public sealed record SpillOver(string ToTeamId, string Reason, string By, DateTimeOffset At) : CaseCommand(By, At);

public sealed record ResolveCase(string AgentId, string Resolution, DateTimeOffset At) : CaseCommand(AgentId, At);

public sealed record ReopenCase(string By, string Reason, DateTimeOffset At) : CaseCommand(By, At);

public sealed record CloseCase(string By, string Reason, DateTimeOffset At) : CaseCommand(By, At);

/// <summary>The outcome of a decision: new events, nothing to do (a repeat), or a rejection with its reason.</summary>
public abstract record CaseDecision;

public sealed record Accepted(IReadOnlyList<CaseEvent> Events) : CaseDecision;

public sealed record AlreadyApplied : CaseDecision
{
    public static readonly AlreadyApplied Instance = new();
}

/// <summary>A command that does not fit the case's state (HTTP 409) or its own rules (HTTP 422).</summary>
public sealed record Rejected(string Reason, RejectionKind Kind = RejectionKind.Conflict) : CaseDecision;

public enum RejectionKind
{
    Conflict,
    Invalid,
}
