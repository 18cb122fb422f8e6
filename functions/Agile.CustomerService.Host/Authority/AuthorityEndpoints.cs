using Agile.CustomerService.Application.Authority;
using Agile.CustomerService.Domain.Authority;
using Agile.CustomerService.Host.Http;
using Agile.CustomerService.Host.Security;

namespace Agile.CustomerService.Host.Authority;

internal sealed record CustomerActionBody(string? AgentId, CustomerActionKind? Action, decimal? Amount, string? Reason);

internal sealed record DecisionBody(bool? Approve, string? Reason);

internal sealed record LimitBody(CustomerActionKind? Action, decimal? New, decimal? Proficient, decimal? Expert);

internal sealed record AgreementBody(IReadOnlyList<LimitBody>? Limits);

internal sealed record AuthorityView(string TeamId, IReadOnlyList<ActionLimits> Limits, string? AgreedBy, DateTimeOffset? AgreedAt);

/// <summary>Agents' authority limits: the catalogue, team agreements, actions for customers, approvals and the audit trail.</summary>
internal static class AuthorityEndpoints
{
    public const decimal MaxAmount = 1_000_000m;

    public static void MapAuthorityEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Authority");

        api.MapGet("/authority/catalogue", () => HttpResults.Json(AuthorityCatalogue.Default))
            .WithSummary("The actions agents can take for customers, default limits per level and the ceilings")
            .AllowRoles(Roles.Agent, Roles.Coach, Roles.Admin);

        api.MapGet("/teams/{teamId}/authority", async (string teamId, AuthorityService authority, CancellationToken ct) =>
            {
                var agreement = await authority.AgreementAsync(teamId, ct);
                var limits = AuthorityCatalogue.Default.Select(d => AuthorityCatalogue.LimitsFor(d.Action, agreement)).ToList();
                return HttpResults.Json(new AuthorityView(teamId, limits, agreement?.AgreedBy, agreement?.AgreedAt));
            })
            .WithSummary("The limits that apply in a team: its agreement, or the catalogue's defaults")
            .AllowTeam(TeamScope.Team, [Roles.Agent], [Roles.Coach, Roles.Admin]);

        api.MapPut("/teams/{teamId}/authority", async (string teamId, HttpRequest request, AuthorityService authority, CancellationToken ct) =>
            {
                var (body, _, error) = await Body.ReadAsync<AgreementBody>(request);
                if (error is not null)
                {
                    return error;
                }

                var items = body!.Limits ?? [];
                var invalid = Validate.First(
                    Validate.Range("limits.length", items.Count, 1, AuthorityCatalogue.Default.Count),
                    items.Select(l => Validate.FirstProblem(
                        Validate.Defined("limits[].action", l.Action),
                        l.New is null || l.Proficient is null || l.Expert is null ? "limits[] needs new, proficient and expert" : null)).FirstOrDefault(p => p is not null));
                if (invalid is not null)
                {
                    return invalid;
                }

                var limits = items.Select(l => new ActionLimits(l.Action!.Value, "", l.New!.Value, l.Proficient!.Value, l.Expert!.Value, 0m)).ToList();
                return (await authority.PutAgreementAsync(teamId, limits, request.HttpContext.User.AgentId() ?? request.HttpContext.User.FindFirst("name")?.Value ?? "admin", ct)).ToHttp();
            })
            .WithSummary("The team agrees its own limits per action and level (within the catalogue's ceilings)")
            .AllowTeam(TeamScope.Team, [Roles.TeamLead], [Roles.Admin]);

        api.MapPost("/cases/{caseId}/customer-actions", async (string caseId, HttpRequest request, AuthorityService authority, CancellationToken ct) =>
            {
                if (Idempotency.KeyOf(request) is not { } key)
                {
                    return Idempotency.MissingKey();
                }

                var (body, _, error) = await Body.ReadAsync<CustomerActionBody>(request);
                if (error is not null)
                {
                    return error;
                }

                var invalid = Validate.First(
                    Validate.Id("agentId", body!.AgentId),
                    Validate.Defined("action", body.Action),
                    body.Amount is not { } amount || amount <= 0 || amount > MaxAmount ? $"amount must be more than 0 and at most {MaxAmount}" : null,
                    body.Amount is { } a && decimal.Round(a, 2) != a ? "amount has at most 2 decimals" : null,
                    Validate.Text("reason", body.Reason, 500));
                if (invalid is not null)
                {
                    return invalid;
                }

                if (Access.ActsAsSelf(request.HttpContext.User, body.AgentId) is { } forbidden)
                {
                    return forbidden;
                }

                var outcome = await authority.RequestAsync(new CustomerActionRequest(caseId, body.AgentId!, body.Action!.Value, body.Amount!.Value, body.Reason!), key, ct);
                return outcome.ToHttp();
            })
            .WithSummary("An agent acts for the customer: done at once within their limit (201), otherwise sent to the team for approval (202)")
            .AllowTeam(TeamScope.Case, [Roles.Agent], []);

        api.MapGet("/cases/{caseId}/customer-actions", async (string caseId, AuthorityService authority, CancellationToken ct) =>
                await authority.CaseTrailAsync(caseId, ct) is { } trail ? HttpResults.Json(trail) : HttpResults.NotFound($"case {caseId} does not exist"))
            .WithSummary("Audit trail of a case: every action for the customer, its limit and decision")
            .AllowTeam(TeamScope.Case, [Roles.Agent], [Roles.Coach, Roles.Admin]);

        api.MapGet("/teams/{teamId}/customer-actions", async (string teamId, string? agentId, string? caseId, string? status, AuthorityService authority, CancellationToken ct) =>
            {
                CustomerActionStatus? wanted = null;
                if (status is not null)
                {
                    if (!Enum.TryParse<CustomerActionStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(status, out _))
                    {
                        return HttpResults.BadRequest("status must be one of done, pendingApproval, approved, declined");
                    }

                    wanted = parsed;
                }

                return HttpResults.Json(await authority.TrailAsync(teamId, agentId, caseId, wanted, ct));
            })
            .WithSummary("Audit trail of a team (filter by agentId, caseId, status=pendingApproval for the approvals waiting)")
            .AllowTeam(TeamScope.Team, [Roles.Agent], [Roles.Coach, Roles.Admin]);

        api.MapGet("/agents/{agentId}/customer-actions", async (string agentId, Application.Admin.AdminService admin, AuthorityService authority, CancellationToken ct) =>
                await admin.AgentAsync(agentId, ct) is { } index
                    ? HttpResults.Json(await authority.TrailAsync(index.TeamId, agentId, null, null, ct))
                    : HttpResults.NotFound($"agent {agentId} does not exist"))
            .WithSummary("Audit trail of an agent (in their current team)")
            .AllowTeam(TeamScope.Agent, [Roles.Agent], [Roles.Coach, Roles.Admin]);

        api.MapPost("/teams/{teamId}/customer-actions/{actionId}/decision", async (string teamId, string actionId, HttpRequest request, AuthorityService authority, CancellationToken ct) =>
            {
                var (body, _, error) = await Body.ReadAsync<DecisionBody>(request);
                if (error is not null)
                {
                    return error;
                }

                var invalid = Validate.First(
                    Validate.Id("actionId", actionId),
                    body!.Approve is null ? "approve (true or false) is required" : null,
                    Validate.Text("reason", body.Reason, 500));
                if (invalid is not null)
                {
                    return invalid;
                }

                var by = request.HttpContext.User.AgentId()!;
                return (await authority.DecideAsync(teamId, actionId, body.Approve!.Value, by, body.Reason!, ct)).ToHttp();
            })
            .WithSummary("The team lead approves or declines a request beyond an agent's limit (audited)")
            .AllowTeam(TeamScope.Team, [Roles.TeamLead], []);
    }
}
