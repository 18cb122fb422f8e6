using Agile.CustomerService.Domain.Cases;
using Agile.CustomerService.Domain.Routing;

namespace Agile.CustomerService.Domain.Dispatch;

public enum QueueAction
{
    None,
    Put,
    Delete,
}

/// <summary>What a team must change so its capacity holds and queue agree with a case.</summary>
public sealed record TeamCorrection(TeamDispatch Dispatch, bool DispatchChanged, QueueAction Queue, QueuedCase? QueueItem)
{
    public bool Changed => DispatchChanged || Queue != QueueAction.None;
}

/// <summary>
/// Brings a team's side (capacity holds, queue) in line with a case's state. The case is the
/// source of truth; the team side follows it. Pure and idempotent: applying the correction and
/// reconciling again yields no change. Reservations still in flight (an offer being written)
/// are kept until they expire, so a reconcile racing an offer never frees capacity twice.
/// </summary>
public static class TeamReconciliation
{
    public static TeamCorrection Reconcile(TeamDispatch team, string caseId, SupportCase? c, RoutingPolicy policy, DateTimeOffset now)
    {
        var queued = team.Queue.FirstOrDefault(q => q.CaseId == caseId);
        var handledHere = c is not null && c.HandlingTeamId == team.TeamId;
        var holder = handledHere ? c!.Status switch
        {
            CaseStatus.Offered => c.OfferedTo,
            CaseStatus.InProgress => c.AssignedTo,
            _ => null,
        } : null;
        var waiting = handledHere && c!.Status is CaseStatus.Queued or CaseStatus.New;

        bool Keep(AgentSlot agent, CaseLoad load)
        {
            if (holder is not null)
            {
                return agent.AgentId == holder;
            }

            var pending = load.ExpiresAt is { } expires && expires > now;
            return c is null
                ? pending
                : waiting && pending && c.Version <= load.BaseVersion && !c.DeclinedBy.Contains(agent.AgentId);
        }

        CaseLoad Shape(CaseLoad load) => c?.Status == CaseStatus.InProgress
            ? load with { ExpiresAt = null }
            : c?.Status == CaseStatus.Offered && c.OfferExpiresAt is { } e ? load with { ExpiresAt = e } : load;

        var changed = false;
        var agents = new List<AgentSlot>(team.Agents.Count);
        foreach (var agent in team.Agents)
        {
            var loads = new List<CaseLoad>(agent.Loads.Count);
            foreach (var load in agent.Loads)
            {
                if (load.CaseId != caseId)
                {
                    loads.Add(load);
                    continue;
                }

                if (!Keep(agent, load))
                {
                    changed = true;
                    continue;
                }

                var shaped = Shape(load);
                changed |= shaped != load;
                loads.Add(shaped);
            }

            // A holder without a hold (its reservation was lost) gets it back when capacity allows.
            if (agent.AgentId == holder && loads.All(l => l.CaseId != caseId) && loads.Count < agent.Capacity)
            {
                loads.Add(new CaseLoad(caseId, c!.CustomerId, now, c.Status == CaseStatus.Offered ? c.OfferExpiresAt : null));
                changed = true;
            }

            agents.Add(changed ? agent with { Loads = loads } : agent);
        }

        var dispatch = changed ? team with { Agents = agents } : team;
        var pendingHold = dispatch.Holds(caseId);
        var (action, item) = (waiting, queued, pendingHold) switch
        {
            (true, null, false) => (QueueAction.Put, SpillOverSelection.ToRequest(c!, (c!.QueuedAt ?? now) + policy.SpillAfter(c.CustomerTier))),
            (true, not null, true) => (QueueAction.Delete, null),
            (true, _, _) => (QueueAction.None, (QueuedCase?)null),
            // No case yet: an intake may still be writing it; its queue item gets a minute's grace.
            (false, not null, _) when c is null && queued.EnqueuedAt > now - TimeSpan.FromMinutes(1) => (QueueAction.None, null),
            (false, not null, _) => (QueueAction.Delete, null),
            _ => (QueueAction.None, null),
        };
        return new TeamCorrection(dispatch, changed, action, item);
    }
}
