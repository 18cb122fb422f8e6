using Agile.CustomerService.Domain.Organisation;

namespace Agile.CustomerService.Domain.Cases;

/// <summary>How hard a request is (DOMAIN.md point 4): self-service, simple or complex.</summary>
public enum CaseTier
{
    SelfService,
    Simple,
    Complex,
}

public enum Channel
{
    Phone,
    Chat,
    Email,
    Web,
}

public enum CaseStatus
{
    /// <summary>Opened, not yet routed.</summary>
    New,

    /// <summary>A self-service answer was suggested; a person takes it only if the customer asks.</summary>
    SelfService,

    /// <summary>Waiting for an agent of the handling team.</summary>
    Queued,

    /// <summary>Offered to one agent, who may accept or decline until the offer expires.</summary>
    Offered,

    InProgress,
    Resolved,
    Closed,
}

/// <summary>
/// One customer request from intake to closure. The owning team never changes
/// during a case; <see cref="HandlingTeamId"/> differs from it only while a
/// helper team works the case after a spill-over.
/// </summary>
public sealed record SupportCase(
    string Id,
    string CustomerId,
    string OwningTeamId,
    string HandlingTeamId,
    Channel Channel,
    string Topic,
    CaseTier Tier,
    CustomerTier CustomerTier,
    string? RequiredSkill,
    CaseStatus Status,
    string? OfferedTo,
    DateTimeOffset? OfferExpiresAt,
    string? AssignedTo,
    IReadOnlyList<string> Assistants,
    IReadOnlyList<string> DeclinedBy,
    IReadOnlyList<string> HelperTeamIds,
    string? RepeatOf,
    string? SelfServiceAnswer,
    string? PreferredAgentId,
    DateTimeOffset OpenedAt,
    DateTimeOffset? QueuedAt,
    DateTimeOffset? ResolvedAt,
    string? Resolution,
    string? LastServedBy,
    int Version)
{
    public bool IsOpen => Status is not (CaseStatus.Resolved or CaseStatus.Closed);

    public bool IsSpilled => HandlingTeamId != OwningTeamId;
}

/// <summary>Case ids carry the customer id (the partition key), so a case is always one point read away.</summary>
public static class CaseIds
{
    public const char Separator = '~';

    public static string New(string customerId, Guid unique) => $"{customerId}{Separator}{unique:N}";

    public static string? CustomerOf(string caseId)
    {
        var at = caseId.LastIndexOf(Separator);
        if (at <= 0 || at == caseId.Length - 1)
        {
            return null;
        }

        var customerId = caseId[..at];
        return Ids.IsValid(customerId) && caseId.Length - at - 1 == 32 ? customerId : null;
    }
}
