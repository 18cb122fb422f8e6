using Agile.CustomerService.Domain.Cases;
using Agile.CustomerService.Domain.Organisation;

namespace Agile.CustomerService.Domain.Dispatch;

/// <summary>
/// A reservation of one unit of an agent's capacity for one case. An offered
/// load expires with its offer; the sweep releases it unless the case confirms it.
/// <see cref="BaseVersion"/> is the case version the reservation was made against
/// (0 for a case not yet stored): a case that moved past it without an offer to this
/// agent shows the reservation is stale, not in flight.
/// </summary>
public sealed record CaseLoad(string CaseId, string CustomerId, DateTimeOffset Since, DateTimeOffset? ExpiresAt, int BaseVersion = 0);

public sealed record AgentSlot(
    string AgentId,
    string Name,
    AgentLevel Level,
    IReadOnlyList<string> Skills,
    int Capacity,
    bool Available,
    IReadOnlyList<CaseLoad> Loads)
{
    public int Spare => Available ? Math.Max(0, Capacity - Loads.Count) : 0;

    public bool Holds(string caseId) => Loads.Any(l => l.CaseId == caseId);
}

/// <summary>A case waiting in a team's queue; <see cref="DueAt"/> orders the queue (earliest first).</summary>
public sealed record QueuedCase(
    string CaseId,
    string CustomerId,
    string OwningTeamId,
    CaseTier Tier,
    CustomerTier CustomerTier,
    string? RequiredSkill,
    string? PreferredAgentId,
    IReadOnlyList<string> DeclinedBy,
    DateTimeOffset EnqueuedAt,
    DateTimeOffset DueAt);

/// <summary>
/// The team-partitioned dispatch document: the team's members, their capacity
/// and reservations, and the queue of cases waiting for them. Every capacity
/// change is a conditional write of this one document (see ADR 0003).
/// </summary>
public sealed record TeamDispatch(
    string TeamId,
    string Name,
    string RegionId,
    string Segment,
    int CustomerCount,
    IReadOnlyList<AgentSlot> Agents,
    IReadOnlyList<QueuedCase> Queue)
{
    public static TeamDispatch For(Team team) => new(team.Id, team.Name, team.RegionId, team.Segment, 0, [], []);

    public int ActiveAgents => Agents.Count(a => a.Available);

    public int SpareCapacity => Agents.Sum(a => a.Spare);

    public AgentSlot? Agent(string agentId) => Agents.FirstOrDefault(a => a.AgentId == agentId);

    public bool Holds(string caseId) => Agents.Any(a => a.Holds(caseId));

    public TeamDispatch WithAgent(AgentSlot slot) =>
        this with { Agents = [.. Agents.Where(a => a.AgentId != slot.AgentId), slot] };

    /// <summary>Holds one unit of the agent's capacity for the case; a case is held by one agent at most.</summary>
    public TeamDispatch Reserve(string agentId, CaseLoad load) => this with
    {
        Agents = [.. Agents.Select(a => a with
        {
            Loads = a.AgentId == agentId
                ? [.. a.Loads.Where(l => l.CaseId != load.CaseId), load]
                : a.Holds(load.CaseId) ? [.. a.Loads.Where(l => l.CaseId != load.CaseId)] : a.Loads,
        })],
        Queue = [.. Queue.Where(q => q.CaseId != load.CaseId)],
    };

    /// <summary>Confirms an offered load as taken: it no longer expires.</summary>
    public TeamDispatch Confirm(string caseId) => this with
    {
        Agents = [.. Agents.Select(a => a with
        {
            Loads = [.. a.Loads.Select(l => l.CaseId == caseId ? l with { ExpiresAt = null } : l)],
        })],
    };

    /// <summary>Frees whatever the team holds for the case: idempotent.</summary>
    public TeamDispatch Release(string caseId) => this with
    {
        Agents = [.. Agents.Select(a => a.Holds(caseId) ? a with { Loads = [.. a.Loads.Where(l => l.CaseId != caseId)] } : a)],
        Queue = [.. Queue.Where(q => q.CaseId != caseId)],
    };

    public TeamDispatch Enqueue(QueuedCase entry) =>
        this with { Queue = [.. Queue.Where(q => q.CaseId != entry.CaseId), entry] };
}
