namespace Agile.CustomerService.Domain.Quality;

public enum ExemptionStatus
{
    Pending,
    Approved,
    Declined,
}

/// <summary>
/// An agent's request to exclude a case from handle-time metrics (DOMAIN.md point 9: a call that
/// ran long because the customer needed it should not cost the agent), and a coach's decision.
/// </summary>
public sealed record ExemptionRequest(
    string Id,
    string CaseId,
    string TeamId,
    string AgentId,
    string Reason,
    DateTimeOffset RequestedAt,
    ExemptionStatus Status,
    string? DecidedBy,
    string? DecisionNote,
    DateTimeOffset? DecidedAt);

public abstract record ExemptionDecision;

public sealed record ExemptionDecided(ExemptionRequest Request) : ExemptionDecision;

public sealed record ExemptionRejected(string Reason) : ExemptionDecision;

public static class Exemptions
{
    /// <summary>A coach approves or declines a pending request; a decided request stays as it was decided.</summary>
    public static ExemptionDecision Decide(ExemptionRequest request, bool approve, string coachId, string? note, DateTimeOffset at) => request switch
    {
        { Status: ExemptionStatus.Pending } when coachId == request.AgentId
            => new ExemptionRejected($"{coachId} asked for this exemption and cannot decide it"),
        { Status: ExemptionStatus.Pending }
            => new ExemptionDecided(request with
            {
                Status = approve ? ExemptionStatus.Approved : ExemptionStatus.Declined,
                DecidedBy = coachId,
                DecisionNote = note,
                DecidedAt = at,
            }),
        _ => new ExemptionRejected($"exemption {request.Id} was already {request.Status.ToString().ToLowerInvariant()} by {request.DecidedBy}"),
    };
}
