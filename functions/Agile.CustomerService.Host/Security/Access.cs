using System.Security.Claims;
using Agile.CustomerService.Application.Admin;
using Agile.CustomerService.Application.Cases;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Domain.Organisation;
using Agile.CustomerService.Host.Http;
using Microsoft.AspNetCore.Authorization;

namespace Agile.CustomerService.Host.Security;

/// <summary>What a route value names, and so which team it belongs to.</summary>
public enum TeamScope
{
    /// <summary>No team: the roles alone decide.</summary>
    None,

    /// <summary>The {teamId} route value.</summary>
    Team,

    /// <summary>The {caseId} route value: the owning team and every team the case was spilled to.</summary>
    Case,

    /// <summary>The {agentId} route value: the agent's team.</summary>
    Agent,

    /// <summary>The {customerId} route value: the customer's owning team.</summary>
    Customer,
}

/// <summary>
/// The access rule an endpoint declares: <see cref="TeamRoles"/> may call it for resources of
/// their own team, <see cref="AnyTeamRoles"/> for any team. With <see cref="SelfOnly"/>, a plain
/// agent may only name themselves in the {agentId} route value (team leads may name teammates).
/// </summary>
public sealed record AccessRule(IReadOnlyList<string> TeamRoles, IReadOnlyList<string> AnyTeamRoles, TeamScope Scope, bool SelfOnly = false)
{
    public IEnumerable<string> AllRoles => TeamRoles.Concat(AnyTeamRoles).Distinct();
}

/// <summary>Marks an endpoint as deliberately open to anonymous callers (health, OpenAPI, function invocations from the host).</summary>
public sealed record AnonymousAccess(string Why);

internal static class Access
{
    /// <summary>Callers with one of these roles, whatever their team.</summary>
    public static TBuilder AllowRoles<TBuilder>(this TBuilder builder, params string[] roles)
        where TBuilder : IEndpointConventionBuilder =>
        builder.Allow(new AccessRule([], roles, TeamScope.None));

    /// <summary>Team members (and team leads) for their own team's resources; <paramref name="anyTeam"/> roles for every team.</summary>
    public static TBuilder AllowTeam<TBuilder>(this TBuilder builder, TeamScope scope, string[] teamRoles, string[] anyTeam, bool selfOnly = false)
        where TBuilder : IEndpointConventionBuilder =>
        builder.Allow(new AccessRule(teamRoles, anyTeam, scope, selfOnly));

    public static TBuilder AllowAnonymousBecause<TBuilder>(this TBuilder builder, string why)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AnonymousAccess(why), new AllowAnonymousAttribute());

    private static TBuilder Allow<TBuilder>(this TBuilder builder, AccessRule rule)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(rule);
        builder.RequireAuthorization(p => p.RequireAuthenticatedUser().RequireRole(rule.AllRoles));
        if (rule.Scope != TeamScope.None || rule.SelfOnly)
        {
            builder.AddEndpointFilter(async (context, next) =>
                await TeamCheckAsync(context.HttpContext, rule) is { } denied ? denied : await next(context));
        }

        return builder;
    }

    /// <summary>
    /// The team relation check: callers with a cross-team role pass; others must be linked to
    /// an agent whose team owns the resource. A resource that does not exist passes (the
    /// endpoint answers 404).
    /// </summary>
    private static async Task<IResult?> TeamCheckAsync(HttpContext http, AccessRule rule)
    {
        var user = http.User;
        if (rule.AnyTeamRoles.Any(user.IsInRole))
        {
            return null;
        }

        if (user.TeamId() is not { } callerTeam)
        {
            return Forbidden("your account is not linked to an agent of a team; ask an admin to link it (PUT /api/agents/{agentId}/identity)");
        }

        var values = http.Request.RouteValues;
        if (rule.SelfOnly && !user.IsInRole(Roles.TeamLead) && values["agentId"] is string named && named != user.AgentId())
        {
            return Forbidden($"agents act for themselves: you are {user.AgentId()}, not {named}");
        }

        var teams = await TeamsOfAsync(rule.Scope, http);
        return teams is null || teams.Contains(callerTeam)
            ? null
            : Forbidden($"this belongs to team {string.Join(" / ", teams)}; you are {user.Describe()}");
    }

    /// <summary>
    /// The case the team check read for this request, if it read one: the endpoint acts on it
    /// instead of reading it again. It may be a moment older than a second read would be; every
    /// case command's commit is conditional on the ETag it was decided on, so a case that changed
    /// in between gives 412, never a lost update.
    /// </summary>
    public static Versioned<CaseDocument>? CaseReadByTeamCheck(HttpContext http, string caseId) =>
        CaseActionReadsByTeamCheck(http, caseId)?.Case;

    /// <summary>
    /// All the team check read for a case action (the case, its customer, the request's idempotency
    /// record), if it read them; as <see cref="CaseReadByTeamCheck"/>, the commit stays conditional.
    /// </summary>
    public static CaseActionReads? CaseActionReadsByTeamCheck(HttpContext http, string caseId) =>
        http.Items.TryGetValue(CaseReadKey, out var value) && value is CaseActionReads read && read.CaseId == caseId ? read : null;

    private static readonly object CaseReadKey = new();

    /// <summary>The teams a resource belongs to, or null when it does not exist.</summary>
    private static async Task<IReadOnlyCollection<string>?> TeamsOfAsync(TeamScope scope, HttpContext http)
    {
        var values = http.Request.RouteValues;
        var services = http.RequestServices;
        var ct = http.RequestAborted;
        string? Value(string key) => values[key] as string;
        var store = services.GetRequiredService<IStateStore>();
        switch (scope)
        {
            case TeamScope.Team:
                return Value("teamId") is { } team ? [team] : null;
            case TeamScope.Case:
                // A request with an idempotency key is a case action: what it will read besides
                // the case comes in the same read (CaseService.ReadForActionAsync).
                if (Value("caseId") is not { } caseId
                    || await services.GetRequiredService<CaseService>().ReadForActionAsync(caseId, Idempotency.KeyOf(http.Request), ct) is not { } read
                    || read.Case is not { } stored)
                {
                    return null;
                }

                http.Items[CaseReadKey] = read;

                var state = stored.Value.State;
                return [.. new[] { state.OwningTeamId, state.HandlingTeamId }.Concat(state.HelperTeamIds).Distinct()];
            case TeamScope.Agent:
                return Value("agentId") is { } agentId && await store.ReadAsync<AgentIndex>(Partitions.Directory, $"agent:{agentId}", ct) is { } index
                    ? [index.Value.TeamId]
                    : null;
            case TeamScope.Customer:
                return Value("customerId") is { } customerId && await store.ReadAsync<Customer>(Partitions.Customer(customerId), Kinds.Customer, ct) is { } customer
                    ? customer.Value.OwningTeamId is { } owner ? [owner] : []
                    : null;
            default:
                return [];
        }
    }

    /// <summary>
    /// For actions where the body names who acts: an agent may only name themselves. A channel
    /// (contact source) without an agent acts for the customer and is not checked here.
    /// </summary>
    public static IResult? ActsAsSelf(ClaimsPrincipal user, string? actor) =>
        actor is null || user.AgentId() == actor || (user.AgentId() is null && user.IsInRole(Roles.ContactSource))
            ? null
            : Forbidden(user.AgentId() is { } self
                ? $"agents act for themselves: you are {self}, not {actor}"
                : "only an agent linked to your account can act on a case");

    public static IResult Forbidden(string detail) => Results.Problem(title: "Forbidden", detail: detail, statusCode: StatusCodes.Status403Forbidden);
}
