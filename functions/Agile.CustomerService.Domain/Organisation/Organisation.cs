namespace Agile.CustomerService.Domain.Organisation;

/// <summary>Maturity of an agent: sets which case tiers they take and their authority limits.</summary>
public enum AgentLevel
{
    New,
    Proficient,
    Expert,
}

/// <summary>Service level a customer is entitled to (DOMAIN.md point 10).</summary>
public enum CustomerTier
{
    Standard,
    Priority,
    Vulnerable,
}

public sealed record Region(string Id, string Name);

public sealed record Team(string Id, string Name, string RegionId, string Segment);

public sealed record Agent(
    string Id,
    string Name,
    string TeamId,
    AgentLevel Level,
    IReadOnlyList<string> Skills,
    int Capacity)
{
    public const int MaxCapacity = 20;
}

/// <summary>One change of a customer's owning team, kept forever for audit.</summary>
public sealed record OwnershipChange(
    string? FromTeamId,
    string ToTeamId,
    string By,
    string Reason,
    DateTimeOffset At);

/// <summary>
/// A customer and everything routing needs to know about them: the owning team
/// (exactly one once assigned), the last agent who served them (continuity) and
/// the last resolved case (repeat-contact detection).
/// </summary>
public sealed record Customer(
    string Id,
    string Name,
    string RegionId,
    string Segment,
    CustomerTier Tier,
    string? OwningTeamId,
    IReadOnlyList<OwnershipChange> Ownership,
    string? LastAgentId,
    string? LastResolvedCaseId,
    DateTimeOffset? LastResolvedAt)
{
    public static Customer New(string id, string name, string regionId, string segment, CustomerTier tier) =>
        new(id, name, regionId, segment, tier, null, [], null, null, null);

    /// <summary>Assigns or transfers ownership; the only way the owner changes.</summary>
    public Customer WithOwner(string teamId, string by, string reason, DateTimeOffset at) =>
        this with
        {
            OwningTeamId = teamId,
            Ownership = [.. Ownership, new OwnershipChange(OwningTeamId, teamId, by, reason, at)],
        };
}
