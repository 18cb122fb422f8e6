using System.Security.Cryptography;
using System.Text;
using Agile.CustomerService.Application.Admin;
using Agile.CustomerService.Application.Cases;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Application.Teams;
using Agile.CustomerService.Domain.Authority;
using Agile.CustomerService.Domain.Organisation;

namespace Agile.CustomerService.Application.Authority;

public enum CustomerActionStatus
{
    /// <summary>Within the agent's limit: done at once.</summary>
    Done,
    PendingApproval,
    Approved,
    Declined,
}

/// <summary>One action for a customer, with its whole audit: who asked, the limit that applied, who decided.</summary>
public sealed record CustomerAction(
    string Id,
    string CaseId,
    string CustomerId,
    string TeamId,
    string AgentId,
    AgentLevel Level,
    CustomerActionKind Action,
    decimal Amount,
    string Unit,
    string Reason,
    decimal Limit,
    CustomerActionStatus Status,
    DateTimeOffset RequestedAt,
    string? DecidedBy = null,
    string? DecisionReason = null,
    DateTimeOffset? DecidedAt = null);

public sealed record CustomerActionRequest(string CaseId, string AgentId, CustomerActionKind Action, decimal Amount, string Reason);

/// <summary>
/// Agents' authority limits: an action within the limit is done and audited at once; beyond it
/// an approval request goes to the agent's team, whose lead approves or declines. Everything
/// lives in the acting agent's team partition; events go out through the outbox (the Teams
/// notifier posts approval cards from them).
/// </summary>
public sealed class AuthorityService(IStateStore store, CaseService cases, TimeProvider time)
{
    public const string AgreementId = "authority-agreement";

    public static string ActionId(string agentId, string idempotencyKey) =>
        "action-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{agentId}\n{idempotencyKey}")))[..24];

    public async Task<TeamAgreement?> AgreementAsync(string teamId, CancellationToken cancellationToken) =>
        (await store.ReadAsync<TeamAgreement>(Partitions.Team(teamId), AgreementId, cancellationToken))?.Value;

    public async Task<Outcome> PutAgreementAsync(string teamId, IReadOnlyList<ActionLimits> limits, string by, CancellationToken cancellationToken)
    {
        if (await TeamState.LoadAsync(store, teamId, withQueue: false, cancellationToken) is null)
        {
            return Problem.NotFound($"team {teamId} does not exist");
        }

        if (AuthorityCatalogue.Problem(limits) is { } problem)
        {
            return Problem.Invalid(problem);
        }

        // Units and ceilings are the catalogue's, whatever the request said.
        var agreed = limits.Select(l => AuthorityCatalogue.LimitsFor(l.Action, null) is var d ? l with { Unit = d.Unit, Ceiling = d.Ceiling } : l);
        var agreement = new TeamAgreement(teamId, [.. agreed], by, time.GetUtcNow());
        var evt = new OutboxEvent($"{teamId}:agreement:{agreement.AgreedAt.ToUnixTimeMilliseconds()}", "AuthorityAgreementChanged", Json.Write(agreement), null);
        await store.CommitAsync(Partitions.Team(teamId), [StateStoreExtensions.Put(AgreementId, Kinds.AuthorityAgreement, agreement, PutDocument.Any)], [evt], cancellationToken);
        return new Success(200, Json.Write(agreement));
    }

    public async Task<Outcome> RequestAsync(CustomerActionRequest request, string idempotencyKey, CancellationToken cancellationToken)
    {
        if (await cases.GetAsync(request.CaseId, cancellationToken) is not { } stored)
        {
            return Problem.NotFound($"case {request.CaseId} does not exist");
        }

        if (await store.ReadAsync<AgentIndex>(Partitions.Directory, $"agent:{request.AgentId}", cancellationToken) is not { } index
            || await TeamState.LoadAsync(store, index.Value.TeamId, withQueue: false, cancellationToken) is not { } team
            || team.Dispatch.Agent(request.AgentId) is not { } slot)
        {
            return Problem.Invalid($"agent {request.AgentId} is not a member of a team");
        }

        var state = stored.Value.State;
        if (state.OwningTeamId != index.Value.TeamId && state.HandlingTeamId != index.Value.TeamId && !state.HelperTeamIds.Contains(index.Value.TeamId))
        {
            return Problem.Invalid($"case {request.CaseId} is not a case of team {index.Value.TeamId}");
        }

        var partition = Partitions.Team(index.Value.TeamId);
        var id = ActionId(request.AgentId, idempotencyKey);
        if (await store.ReadAsync<CustomerAction>(partition, id, cancellationToken) is { } replay)
        {
            return Created(replay.Value);
        }

        var agreement = await AgreementAsync(index.Value.TeamId, cancellationToken);
        var decision = AuthorityCatalogue.Decide(request.Action, request.Amount, slot.Level, agreement);
        var unit = AuthorityCatalogue.LimitsFor(request.Action, agreement).Unit;
        var action = new CustomerAction(
            id, state.Id, state.CustomerId, index.Value.TeamId, request.AgentId, slot.Level, request.Action, request.Amount, unit, request.Reason,
            decision.Limit, decision is WithinAuthority ? CustomerActionStatus.Done : CustomerActionStatus.PendingApproval, time.GetUtcNow());
        var type = decision is WithinAuthority ? "CustomerActionTaken" : "ApprovalRequested";
        var result = await store.CommitAsync(
            partition,
            [StateStoreExtensions.Put(id, Kinds.CustomerAction, action, ifMatch: null)],
            [new OutboxEvent($"{id}:requested", type, Json.Write(action), null)],
            cancellationToken);
        if (result is CommitConflict && await store.ReadAsync<CustomerAction>(partition, id, cancellationToken) is { } raced)
        {
            return Created(raced.Value);
        }

        return Created(action);
    }

    public async Task<Outcome> DecideAsync(string teamId, string actionId, bool approve, string by, string reason, CancellationToken cancellationToken)
    {
        var partition = Partitions.Team(teamId);
        for (var attempt = 0; attempt < 4; attempt++)
        {
            if (await store.ReadAsync<CustomerAction>(partition, actionId, cancellationToken) is not { } stored)
            {
                return Problem.NotFound($"team {teamId} has no request {actionId}");
            }

            var action = stored.Value;
            var wanted = approve ? CustomerActionStatus.Approved : CustomerActionStatus.Declined;
            if (action.Status == wanted && action.DecidedBy == by)
            {
                return new Success(200, Json.Write(action));
            }

            if (action.Status != CustomerActionStatus.PendingApproval)
            {
                return Problem.Conflict($"request {actionId} is already {action.Status}{(action.DecidedBy is null ? "" : $" by {action.DecidedBy}")}");
            }

            if (action.AgentId == by)
            {
                return Problem.Conflict("a request is decided by someone other than the agent who made it");
            }

            var decided = action with { Status = wanted, DecidedBy = by, DecisionReason = reason, DecidedAt = time.GetUtcNow() };
            var result = await store.CommitAsync(
                partition,
                [StateStoreExtensions.Put(actionId, Kinds.CustomerAction, decided, stored.ETag)],
                [new OutboxEvent($"{actionId}:decided", "ApprovalDecided", Json.Write(decided), null)],
                cancellationToken);
            if (result is Committed)
            {
                return new Success(200, Json.Write(decided));
            }
        }

        return Problem.Conflict($"request {actionId} kept changing; try again");
    }

    public async Task<CustomerAction?> ActionAsync(string teamId, string actionId, CancellationToken cancellationToken) =>
        (await store.ReadAsync<CustomerAction>(Partitions.Team(teamId), actionId, cancellationToken))?.Value;

    /// <summary>The audit trail of a team (optionally one agent's, one case's, or one status), newest first.</summary>
    public async Task<IReadOnlyList<CustomerAction>> TrailAsync(string teamId, string? agentId, string? caseId, CustomerActionStatus? status, CancellationToken cancellationToken)
    {
        var all = await store.QueryAsync<CustomerAction>(Partitions.Team(teamId), Kinds.CustomerAction, cancellationToken);
        return [.. all.Select(a => a.Value)
            .Where(a => (agentId is null || a.AgentId == agentId) && (caseId is null || a.CaseId == caseId) && (status is null || a.Status == status))
            .OrderByDescending(a => a.RequestedAt)];
    }

    /// <summary>A case's actions: recorded in the teams of the agents who acted (the owner and any helper team).</summary>
    public async Task<IReadOnlyList<CustomerAction>?> CaseTrailAsync(string caseId, CancellationToken cancellationToken)
    {
        if (await cases.GetAsync(caseId, cancellationToken) is not { } stored)
        {
            return null;
        }

        var state = stored.Value.State;
        var trails = new List<CustomerAction>();
        foreach (var team in new[] { state.OwningTeamId, state.HandlingTeamId }.Concat(state.HelperTeamIds).Distinct())
        {
            trails.AddRange(await TrailAsync(team, null, caseId, null, cancellationToken));
        }

        return [.. trails.OrderByDescending(a => a.RequestedAt)];
    }

    private static Success Created(CustomerAction action) =>
        new(action.Status == CustomerActionStatus.Done ? 201 : 202, Json.Write(action), Location: $"/api/teams/{action.TeamId}/customer-actions/{action.Id}");
}
