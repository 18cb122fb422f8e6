using Agile.CustomerService.Domain.Cases;
using Agile.CustomerService.Domain.Dispatch;
using Agile.CustomerService.Domain.Organisation;

namespace Agile.CustomerService.Domain.Routing;

/// <summary>An agent chosen for a case, and why (recorded on the offer).</summary>
public sealed record AgentChoice(AgentSlot Agent, string Reason);

public static class OwnerSelection
{
    /// <summary>
    /// The owning team on first contact: among the teams of the customer's region and
    /// segment, the one with the fewest customers per active agent (teams are measured on
    /// customers served); ties go to the smaller team book, then the team id.
    /// </summary>
    public static TeamDispatch? Choose(Customer customer, IEnumerable<TeamDispatch> teams) =>
        teams
            .Where(t => t.RegionId == customer.RegionId && string.Equals(t.Segment, customer.Segment, StringComparison.OrdinalIgnoreCase))
            .OrderBy(t => t.ActiveAgents == 0 ? 1 : 0)
            .ThenBy(t => (double)t.CustomerCount / Math.Max(1, t.ActiveAgents))
            .ThenBy(t => t.CustomerCount)
            .ThenBy(t => t.TeamId, StringComparer.Ordinal)
            .FirstOrDefault();
}

public static class RepeatContact
{
    /// <summary>The earlier case this contact repeats: the customer's last resolved case within the window.</summary>
    public static string? Of(Customer customer, DateTimeOffset now, RoutingPolicy policy) =>
        customer is { LastResolvedCaseId: { } last, LastResolvedAt: { } at } && now - at <= policy.RepeatWindow && now >= at
            ? last
            : null;
}

public static class OfferSelection
{
    /// <summary>Whether an agent may take a case of this tier and skill (capacity aside).</summary>
    public static bool IsEligible(AgentSlot agent, CaseTier tier, string? requiredSkill)
    {
        var hasSkill = requiredSkill is null || agent.Skills.Any(s => string.Equals(s, requiredSkill, StringComparison.OrdinalIgnoreCase));
        return tier switch
        {
            CaseTier.Complex => agent.Level >= AgentLevel.Proficient ? hasSkill : requiredSkill is not null && hasSkill,
            _ => hasSkill,
        };
    }

    public static bool CanTake(AgentSlot agent, QueuedCase request) =>
        agent.Spare > 0 && !request.DeclinedBy.Contains(agent.AgentId) && !agent.Holds(request.CaseId)
        && IsEligible(agent, request.Tier, request.RequiredSkill);

    /// <summary>
    /// Continuity first (the agent who last served the customer, if they can take it),
    /// else the eligible agent with the most spare capacity. Ties: simple work goes to the
    /// least senior agent (keeping experts free), complex work to the most senior.
    /// </summary>
    public static AgentChoice? Choose(QueuedCase request, TeamDispatch team)
    {
        if (request.PreferredAgentId is { } preferred && team.Agent(preferred) is { } last && CanTake(last, request))
        {
            return new AgentChoice(last, "continuity: last served this customer");
        }

        var best = team.Agents
            .Where(a => CanTake(a, request))
            .OrderByDescending(a => a.Spare)
            .ThenBy(a => request.Tier == CaseTier.Complex ? -(int)a.Level : (int)a.Level)
            .ThenBy(a => a.AgentId, StringComparer.Ordinal)
            .FirstOrDefault();
        return best is null ? null : new AgentChoice(best, "most spare capacity");
    }
}

public static class Dispatcher
{
    /// <summary>The next queued case to offer and to whom: earliest due first; a case nobody can take does not block the rest.</summary>
    public static (QueuedCase Case, AgentChoice Choice)? NextOffer(TeamDispatch team)
    {
        foreach (var queued in team.Queue.OrderBy(q => q.DueAt).ThenBy(q => q.EnqueuedAt).ThenBy(q => q.CaseId, StringComparer.Ordinal))
        {
            if (OfferSelection.Choose(queued, team) is { } choice)
            {
                return (queued, choice);
            }
        }

        return null;
    }
}

public static class SpillOverSelection
{
    /// <summary>
    /// The helper team for a case its handling team cannot take: a team of the same region
    /// first, then the healthiest team elsewhere; only teams with an agent who can take it.
    /// </summary>
    public static TeamDispatch? ChooseHelper(QueuedCase request, TeamDispatch handling, IEnumerable<TeamDispatch> candidates) =>
        candidates
            .Where(t => t.TeamId != handling.TeamId)
            .Select(t => (Team: t, Spare: t.Agents.Where(a => a.Spare > 0 && OfferSelection.IsEligible(a, request.Tier, request.RequiredSkill)).Sum(a => a.Spare)))
            .Where(x => x.Spare > 0)
            .OrderBy(x => x.Team.RegionId == handling.RegionId ? 0 : 1)
            .ThenByDescending(x => x.Spare)
            .ThenBy(x => x.Team.TeamId, StringComparer.Ordinal)
            .Select(x => x.Team)
            .FirstOrDefault();

    public static QueuedCase ToRequest(SupportCase c, DateTimeOffset dueAt) => new(
        c.Id, c.CustomerId, c.OwningTeamId, c.Tier, c.CustomerTier, c.RequiredSkill, c.PreferredAgentId,
        c.DeclinedBy, c.QueuedAt ?? c.OpenedAt, dueAt);
}
