using Agile.CustomerService.Application.Cases;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Application.Teams;
using Agile.CustomerService.Domain.Dispatch;
using Agile.CustomerService.Domain.Organisation;

namespace Agile.CustomerService.Application.Admin;

public sealed record AgentIndex(string AgentId, string TeamId);

public sealed record TeamView(Team Team, int CustomerCount, int ActiveAgents, int SpareCapacity, int Queued, IReadOnlyList<AgentSlot> Agents);

/// <summary>
/// The agents who lead a team. Bearer sign-in takes the TeamLead app role from the token; Microsoft
/// Teams activities carry no app roles, so in Teams this list says who may decide the team's requests.
/// </summary>
public sealed record TeamLeads(string TeamId, IReadOnlyList<string> AgentIds, string SetBy, DateTimeOffset SetAt)
{
    public const string Id = "team-leads";
}

public sealed record CustomerView(Customer Customer, IReadOnlyList<CaseSummary> Cases);

public sealed record CaseSummary(string CaseId, Domain.Cases.CaseStatus Status, string Topic, string OwningTeamId, string HandlingTeamId, DateTimeOffset OpenedAt);

/// <summary>Regions, teams, agents and customers: what admins set up, and agents' availability.</summary>
public sealed class AdminService(IStateStore store, CaseService cases, TimeProvider time)
{
    private const int MaxAttempts = 8;

    public async Task<Outcome> PutRegionAsync(Region region, CancellationToken cancellationToken)
    {
        await store.CommitAsync(Partitions.Directory, cancellationToken, StateStoreExtensions.Put(RegionId(region.Id), Kinds.Region, region, PutDocument.Any));
        return new Success(200, Json.Write(region));
    }

    public async Task<IReadOnlyList<Region>> RegionsAsync(CancellationToken cancellationToken) =>
        [.. (await store.QueryAsync<Region>(Partitions.Directory, Kinds.Region, cancellationToken)).Select(r => r.Value)];

    public async Task<Outcome> PutTeamAsync(Team team, CancellationToken cancellationToken)
    {
        if (await store.ReadAsync(Partitions.Directory, RegionId(team.RegionId), cancellationToken) is null)
        {
            return Problem.Invalid($"region {team.RegionId} does not exist");
        }

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var existing = await TeamState.LoadAsync(store, team.Id, withQueue: false, cancellationToken);
            var dispatch = existing is null
                ? TeamDispatch.For(team)
                : existing.Dispatch with { Name = team.Name, RegionId = team.RegionId, Segment = team.Segment };
            if (await store.CommitAsync(Partitions.Team(team.Id), cancellationToken, TeamState.PutDispatch(dispatch, existing?.ETag)) is Committed)
            {
                await store.CommitAsync(Partitions.Directory, cancellationToken, StateStoreExtensions.Put(TeamId(team.Id), Kinds.TeamIndex, team, PutDocument.Any));
                return new Success(existing is null ? 201 : 200, Json.Write(team), Location: $"/api/teams/{team.Id}");
            }
        }

        return Problem.Conflict($"team {team.Id} kept changing; try again");
    }

    public async Task<IReadOnlyList<Team>> TeamsAsync(CancellationToken cancellationToken) =>
        [.. (await store.QueryAsync<Team>(Partitions.Directory, Kinds.TeamIndex, cancellationToken)).Select(t => t.Value).OrderBy(t => t.Id, StringComparer.Ordinal)];

    public async Task<TeamView?> TeamAsync(string teamId, CancellationToken cancellationToken)
    {
        var state = await TeamState.LoadAsync(store, teamId, withQueue: true, time.GetUtcNow(), cancellationToken);
        if (state is null)
        {
            return null;
        }

        var d = state.Dispatch;
        return new TeamView(
            new Team(d.TeamId, d.Name, d.RegionId, d.Segment), d.CustomerCount, d.ActiveAgents, d.SpareCapacity, d.Queue.Count,
            [.. d.Agents.OrderBy(a => a.AgentId, StringComparer.Ordinal)]);
    }

    /// <summary>Adds or updates a team member; an agent belongs to one team at a time.</summary>
    public async Task<Outcome> PutAgentAsync(Agent agent, CancellationToken cancellationToken)
    {
        var index = await store.ReadAsync<AgentIndex>(Partitions.Directory, AgentId(agent.Id), cancellationToken);
        if (index is not null && index.Value.TeamId != agent.TeamId)
        {
            return Problem.Conflict($"agent {agent.Id} belongs to team {index.Value.TeamId}; remove them there first");
        }

        var outcome = await UpdateTeamAsync(agent.TeamId, dispatch =>
        {
            var existing = dispatch.Agent(agent.Id);
            var slot = new AgentSlot(agent.Id, agent.Name, agent.Level, agent.Skills, agent.Capacity, existing?.Available ?? false, existing?.Loads ?? []);
            return dispatch.WithAgent(slot);
        }, cancellationToken);
        if (outcome is not null)
        {
            return outcome;
        }

        await store.CommitAsync(Partitions.Directory, cancellationToken, StateStoreExtensions.Put(AgentId(agent.Id), Kinds.AgentIndex, new AgentIndex(agent.Id, agent.TeamId), PutDocument.Any));
        await cases.PumpAsync(agent.TeamId, cancellationToken);
        return new Success(200, Json.Write(agent));
    }

    /// <summary>Manual availability (until shift schedules drive it). Going available offers waiting work at once.</summary>
    public async Task<Outcome> SetAvailabilityAsync(string teamId, string agentId, bool available, CancellationToken cancellationToken)
    {
        AgentSlot? updated = null;
        var outcome = await UpdateTeamAsync(teamId, dispatch =>
        {
            if (dispatch.Agent(agentId) is not { } slot)
            {
                return null;
            }

            updated = slot with { Available = available };
            return dispatch.WithAgent(updated);
        }, cancellationToken);
        if (outcome is not null)
        {
            return outcome;
        }

        if (updated is null)
        {
            return Problem.NotFound($"agent {agentId} is not a member of team {teamId}");
        }

        if (await OverrideRosterAsync(teamId, agentId, available, cancellationToken) is { } roster)
        {
            // A team with a published schedule: the shift decides, the manual flag only overrides it.
            updated = updated with { Available = roster.IsOfferable(agentId, time.GetUtcNow()) };
        }

        if (available)
        {
            await cases.PumpAsync(teamId, cancellationToken);
        }

        return new Success(200, Json.Write(updated));
    }

    /// <summary>Records a manual availability change on the team's roster; null when the team has no published schedule.</summary>
    private async Task<Domain.Dispatch.TeamRoster?> OverrideRosterAsync(string teamId, string agentId, bool available, CancellationToken cancellationToken)
    {
        var partition = Partitions.Team(teamId);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var roster = await store.ReadAsync<Domain.Dispatch.TeamRoster>(partition, TeamState.RosterId, cancellationToken);
            if (roster is null)
            {
                return null;
            }

            var changed = roster.Value.WithManualAvailability(agentId, available, time.GetUtcNow());
            if (await store.CommitAsync(partition, cancellationToken, StateStoreExtensions.Put(TeamState.RosterId, Kinds.Roster, changed, roster.ETag)) is Committed)
            {
                return changed;
            }
        }

        throw new StoreUnavailableException($"the roster of team {teamId} kept changing; try again");
    }

    public async Task<Outcome> PutCustomerAsync(string id, string name, string regionId, string segment, CustomerTier tier, CancellationToken cancellationToken)
    {
        if (await store.ReadAsync(Partitions.Directory, RegionId(regionId), cancellationToken) is null)
        {
            return Problem.Invalid($"region {regionId} does not exist");
        }

        var partition = Partitions.Customer(id);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var existing = await store.ReadAsync<Customer>(partition, Kinds.Customer, cancellationToken);
            var customer = existing is null
                ? Customer.New(id, name, regionId, segment, tier)
                : existing.Value with { Name = name, RegionId = regionId, Segment = segment, Tier = tier };
            if (await store.CommitAsync(partition, cancellationToken, StateStoreExtensions.Put(Kinds.Customer, Kinds.Customer, customer, existing?.ETag)) is Committed)
            {
                return new Success(existing is null ? 201 : 200, Json.Write(customer), Location: $"/api/customers/{id}");
            }
        }

        return Problem.Conflict($"customer {id} kept changing; try again");
    }

    public async Task<CustomerView?> CustomerAsync(string id, CancellationToken cancellationToken)
    {
        var partition = Partitions.Customer(id);
        var customer = await store.ReadAsync<Customer>(partition, Kinds.Customer, cancellationToken);
        if (customer is null)
        {
            return null;
        }

        var caseDocuments = await store.QueryAsync<CaseDocument>(partition, Kinds.Case, cancellationToken);
        var summaries = caseDocuments
            .Select(d => d.Value.State)
            .OrderByDescending(c => c.OpenedAt)
            .Select(c => new CaseSummary(c.Id, c.Status, c.Topic, c.OwningTeamId, c.HandlingTeamId, c.OpenedAt));
        return new CustomerView(customer.Value, [.. summaries]);
    }

    /// <summary>The explicit, audited change of a customer's owning team.</summary>
    public async Task<Outcome> TransferOwnerAsync(string customerId, string teamId, string by, string reason, CancellationToken cancellationToken)
    {
        if (await TeamState.LoadAsync(store, teamId, withQueue: false, cancellationToken) is null)
        {
            return Problem.Invalid($"team {teamId} does not exist");
        }

        var partition = Partitions.Customer(customerId);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var existing = await store.ReadAsync<Customer>(partition, Kinds.Customer, cancellationToken);
            if (existing is null)
            {
                return Problem.NotFound($"customer {customerId} is not registered");
            }

            var previous = existing.Value.OwningTeamId;
            if (previous == teamId)
            {
                return new Success(200, Json.Write(existing.Value));
            }

            var transferred = existing.Value.WithOwner(teamId, by, reason, time.GetUtcNow());
            if (await store.CommitAsync(partition, cancellationToken, StateStoreExtensions.Put(Kinds.Customer, Kinds.Customer, transferred, existing.ETag)) is Committed)
            {
                if (previous is not null)
                {
                    await cases.AdjustCustomerCountAsync(previous, -1, cancellationToken);
                }

                await cases.AdjustCustomerCountAsync(teamId, +1, cancellationToken);
                return new Success(200, Json.Write(transferred));
            }
        }

        return Problem.Conflict($"customer {customerId} kept changing; try again");
    }

    /// <summary>Names the team's leads (members of the team); the list replaces the previous one.</summary>
    public async Task<Outcome> PutLeadsAsync(string teamId, IReadOnlyList<string> agentIds, string by, CancellationToken cancellationToken)
    {
        if (await TeamState.LoadAsync(store, teamId, withQueue: false, cancellationToken) is not { } team)
        {
            return Problem.NotFound($"team {teamId} does not exist");
        }

        if (agentIds.FirstOrDefault(a => team.Dispatch.Agent(a) is null) is { } stranger)
        {
            return Problem.Invalid($"{stranger} is not a member of team {teamId}");
        }

        var leads = new TeamLeads(teamId, [.. agentIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)], by, time.GetUtcNow());
        await store.CommitAsync(Partitions.Team(teamId), cancellationToken, StateStoreExtensions.Put(TeamLeads.Id, Kinds.TeamLeads, leads, PutDocument.Any));
        return new Success(200, Json.Write(leads));
    }

    public async Task<TeamLeads?> LeadsAsync(string teamId, CancellationToken cancellationToken) =>
        (await store.ReadAsync<TeamLeads>(Partitions.Team(teamId), TeamLeads.Id, cancellationToken))?.Value;

    /// <summary>Whether the agent leads the team they belong to; their team, when they have one.</summary>
    public async Task<(string? TeamId, bool IsLead)> LeadershipAsync(string agentId, CancellationToken cancellationToken)
    {
        if (await AgentAsync(agentId, cancellationToken) is not { } index)
        {
            return (null, false);
        }

        var leads = await LeadsAsync(index.TeamId, cancellationToken);
        return (index.TeamId, leads?.AgentIds.Contains(agentId, StringComparer.Ordinal) == true);
    }

    public async Task<AgentIndex?> AgentAsync(string agentId, CancellationToken cancellationToken) =>
        (await store.ReadAsync<AgentIndex>(Partitions.Directory, AgentId(agentId), cancellationToken))?.Value;

    private async Task<Outcome?> UpdateTeamAsync(string teamId, Func<TeamDispatch, TeamDispatch?> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var team = await TeamState.LoadAsync(store, teamId, withQueue: false, cancellationToken);
            if (team is null)
            {
                return Problem.NotFound($"team {teamId} does not exist");
            }

            if (change(team.Dispatch) is not { } updated)
            {
                return null;
            }

            if (await store.CommitAsync(Partitions.Team(teamId), cancellationToken, TeamState.PutDispatch(updated, team.ETag)) is Committed)
            {
                return null;
            }
        }

        return Problem.Conflict($"team {teamId} kept changing; try again");
    }

    private static string RegionId(string id) => $"region:{id}";

    private static string TeamId(string id) => $"team:{id}";

    private static string AgentId(string id) => $"agent:{id}";
}
