using Agile.CustomerService.Application;
using Agile.CustomerService.Application.Cases;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Application.Teams;
using Agile.CustomerService.Domain.Cases;
using Agile.CustomerService.Domain.Routing;
using Agile.CustomerService.Host.Http;
using Agile.CustomerService.Host.Security;

namespace Agile.CustomerService.Host.Cases;

internal sealed record IntakeBody(string? CustomerId, Channel? Channel, string? Topic, CaseTier? Tier, string? RequiredSkill, string? SelfServiceAnswer);

internal sealed record AgentBody(string? AgentId);

internal sealed record DeclineBody(string? AgentId, string? Reason);

internal sealed record HelpBody(string? AgentId, string? AssistantId, string? Reason);

internal sealed record ResolveBody(string? AgentId, string? Resolution);

internal sealed record ActorBody(string? By, string? Reason);

internal sealed record SpillBody(string? By, string? Reason, string? ToTeamId);

internal sealed record ReasonBody(string? Reason);

/// <summary>Intake and every agent action on a case. State changes need If-Match and Idempotency-Key.</summary>
internal static class CaseEndpoints
{
    public const int MaxText = 2000;

    public static void MapCaseEndpoints(this IEndpointRouteBuilder app)
    {
        var cases = app.MapGroup("/api").WithTags("Cases");

        cases.MapPost("/contacts", IntakeAsync)
            .WithSummary("A customer contacts us: open a case and route it to the owning team")
            .AllowRoles(Roles.ContactSource, Roles.Agent);

        cases.MapGet("/cases/{caseId}", async (string caseId, HttpContext http, CaseService service, CancellationToken ct) =>
                (Access.CaseReadByTeamCheck(http, caseId) ?? await service.GetAsync(caseId, ct)) is { } stored
                    ? HttpResults.Json(CaseView.Of(stored.Value), stored.ETag)
                    : HttpResults.NotFound($"case {caseId} does not exist"))
            .WithSummary("A case with its audited history; the ETag header is the If-Match for actions")
            .AllowTeam(TeamScope.Case, [Roles.Agent], [Roles.Coach, Roles.Admin]);

        Action<AgentBody>(cases, "accept", "The offered agent takes the case",
            b => b.AgentId,
            b => Validate.First(Validate.Id("agentId", b.AgentId)),
            b => (_, at) => new AcceptOffer(b.AgentId!, at));
        Action<DeclineBody>(cases, "decline", "The offered agent declines; the case goes to the next agent",
            b => b.AgentId,
            b => Validate.First(Validate.Id("agentId", b.AgentId), Validate.Text("reason", b.Reason, MaxText)),
            b => (_, at) => new DeclineOffer(b.AgentId!, b.Reason!, at));
        Action<HelpBody>(cases, "help", "The assigned agent asks a teammate to assist; ownership does not change",
            b => b.AgentId,
            b => Validate.First(Validate.Id("agentId", b.AgentId), Validate.Id("assistantId", b.AssistantId), Validate.Text("reason", b.Reason, MaxText)),
            b => (_, at) => new AskForHelp(b.AgentId!, b.AssistantId!, b.Reason!, at),
            CheckAssistantAsync);
        Action<ResolveBody>(cases, "resolve", "The assigned agent resolves the case",
            b => b.AgentId,
            b => Validate.First(Validate.Id("agentId", b.AgentId), Validate.Text("resolution", b.Resolution, MaxText)),
            b => (_, at) => new ResolveCase(b.AgentId!, b.Resolution!, at));
        Action<ActorBody>(cases, "reopen", "Reopen a resolved case; it returns to the owning team",
            b => b.By,
            b => Validate.First(Validate.Id("by", b.By), Validate.Text("reason", b.Reason, MaxText)),
            b => (_, at) => new ReopenCase(b.By!, b.Reason!, at),
            anyTeam: [Roles.ContactSource]);
        Action<ActorBody>(cases, "close", "Close a resolved or self-service case",
            b => b.By,
            b => Validate.First(Validate.Id("by", b.By), Validate.Text("reason", b.Reason, MaxText)),
            b => (_, at) => new CloseCase(b.By!, b.Reason!, at));
        Action<ReasonBody>(cases, "request-person", "The customer of a self-service case asks for a person",
            null,
            b => Validate.First(Validate.Text("reason", b.Reason, MaxText)),
            b => (_, at) => new RequestPerson("customer", at, b.Reason!));

        cases.MapPost("/cases/{caseId}/spill", SpillAsync)
            .WithSummary("Ask another team to help with a waiting case now; the owning team stays accountable")
            .AllowTeam(TeamScope.Case, [Roles.Agent], []);
    }

    private static async Task<IResult> IntakeAsync(HttpRequest request, CaseService service, CancellationToken ct)
    {
        if (Idempotency.KeyOf(request) is not { } key)
        {
            return Idempotency.MissingKey();
        }

        var (body, _, error) = await Body.ReadAsync<IntakeBody>(request);
        if (error is not null)
        {
            return error;
        }

        if (IntakeProblem(body!) is { } invalid)
        {
            return HttpResults.BadRequest(invalid);
        }

        var correlation = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? request.HttpContext.TraceIdentifier;
        var outcome = await service.IntakeAsync(ToRequest(body!, correlation), key, ct);
        return outcome.ToHttp();
    }

    /// <summary>The first problem with an intake body, shared by the HTTP and the Service Bus intake.</summary>
    public static string? IntakeProblem(IntakeBody body) => Validate.FirstProblem(
        Validate.Id("customerId", body.CustomerId),
        Validate.Defined("channel", body.Channel),
        Validate.Text("topic", body.Topic, 200),
        Validate.Defined("tier", body.Tier),
        body.RequiredSkill is null ? null : Validate.Id("requiredSkill", body.RequiredSkill),
        Validate.Text("selfServiceAnswer", body.SelfServiceAnswer, MaxText, required: body.Tier == CaseTier.SelfService));

    public static IntakeRequest ToRequest(IntakeBody body, string? correlation) =>
        new(body.CustomerId!, body.Channel!.Value, body.Topic!, body.Tier!.Value, body.RequiredSkill, body.SelfServiceAnswer, correlation);

    private static void Action<TBody>(
        RouteGroupBuilder group,
        string name,
        string summary,
        Func<TBody, string?>? actor,
        Func<TBody, IResult?> validate,
        Func<TBody, Func<SupportCase, DateTimeOffset, CaseCommand>> command,
        Func<TBody, Versioned<CaseDocument>?, IServiceProvider, CancellationToken, Task<IResult?>>? check = null,
        string[]? anyTeam = null)
        where TBody : class
    {
        var endpoint = group.MapPost($"/cases/{{caseId}}/{name}", async (string caseId, HttpRequest request, CaseService service, CancellationToken ct) =>
            {
                if (Preconditions(request) is { } missing)
                {
                    return missing;
                }

                var (body, raw, error) = await Body.ReadAsync<TBody>(request);
                if (error is not null)
                {
                    return error;
                }

                if (validate(body!) is { } invalid)
                {
                    return invalid;
                }

                if (actor is not null && Access.ActsAsSelf(request.HttpContext.User, actor(body!)) is { } forbidden)
                {
                    return forbidden;
                }

                // What the team check read, if it ran (not for cross-team roles); a check of the
                // body against the case reads it otherwise, and the action uses that read.
                var read = Access.CaseActionReadsByTeamCheck(request.HttpContext, caseId)
                    ?? (check is null ? null : await service.ReadForActionAsync(caseId, Idempotency.KeyOf(request), ct));
                if (check is not null && await check(body!, read?.Case, request.HttpContext.RequestServices, ct) is { } rejected)
                {
                    return rejected;
                }

                var outcome = await service.ActAsync(
                    caseId, request.Headers.IfMatch.ToString(), Idempotency.KeyOf(request)!, name, raw!, command(body!), ct, read);
                return outcome.ToHttp();
            })
            .WithSummary(summary);
        if (actor is null)
        {
            endpoint.AllowRoles(Roles.ContactSource);
        }
        else
        {
            endpoint.AllowTeam(TeamScope.Case, [Roles.Agent], anyTeam ?? []);
        }
    }

    private static async Task<IResult> SpillAsync(string caseId, HttpRequest request, CaseService service, IStateStore store, CancellationToken ct)
    {
        if (Preconditions(request) is { } missing)
        {
            return missing;
        }

        var (body, raw, error) = await Body.ReadAsync<SpillBody>(request);
        if (error is not null)
        {
            return error;
        }

        var invalid = Validate.First(
            Validate.Id("by", body!.By),
            Validate.Text("reason", body.Reason, MaxText),
            body.ToTeamId is null ? null : Validate.Id("toTeamId", body.ToTeamId));
        if (invalid is not null)
        {
            return invalid;
        }

        if (Access.ActsAsSelf(request.HttpContext.User, body.By) is { } forbidden)
        {
            return forbidden;
        }

        var read = Access.CaseActionReadsByTeamCheck(request.HttpContext, caseId)
            ?? await service.ReadForActionAsync(caseId, Idempotency.KeyOf(request), ct);
        if (read?.Case is not { } stored)
        {
            return HttpResults.NotFound($"case {caseId} does not exist");
        }

        var helper = body.ToTeamId;
        if (helper is null)
        {
            helper = await service.ChooseHelperAsync(stored.Value.State, ct);
            if (helper is null)
            {
                return new Problem(409, "Conflict", "no other team has an eligible agent with spare capacity right now").ToHttp();
            }
        }
        else if (await TeamState.LoadAsync(store, helper, withQueue: false, ct) is null)
        {
            return Problem.Invalid($"team {helper} does not exist").ToHttp();
        }

        var outcome = await service.ActAsync(
            caseId, request.Headers.IfMatch.ToString(), Idempotency.KeyOf(request)!, "spill", raw!,
            (_, at) => new SpillOver(helper, body.Reason!, body.By!, at), ct, read);
        return outcome.ToHttp();
    }

    /// <summary>The assistant asked for must be of the team handling the case (a missing case is the action's 404).</summary>
    private static async Task<IResult?> CheckAssistantAsync(HelpBody body, Versioned<CaseDocument>? stored, IServiceProvider services, CancellationToken ct)
    {
        if (stored is null)
        {
            return null;
        }

        var store = services.GetRequiredService<IStateStore>();
        var team = await TeamState.LoadAsync(store, stored.Value.State.HandlingTeamId, withQueue: false, ct);
        return team?.Dispatch.Agent(body.AssistantId!) is null
            ? Problem.Invalid($"{body.AssistantId} is not a member of team {stored.Value.State.HandlingTeamId}").ToHttp()
            : null;
    }

    private static IResult? Preconditions(HttpRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Headers.IfMatch))
        {
            return Problem.PreconditionRequired("If-Match is required: send the ETag from GET /api/cases/{caseId}").ToHttp();
        }

        return Idempotency.KeyOf(request) is null ? Idempotency.MissingKey() : null;
    }

    public static RoutingPolicy Policy(IConfiguration configuration)
    {
        var policy = RoutingPolicy.Default;
        var section = configuration.GetSection("Routing");
        TimeSpan Get(string key, TimeSpan fallback) => section[key] is { } text ? TimeSpan.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : fallback;
        return new RoutingPolicy(
            Get(nameof(policy.SpillAfterStandard), policy.SpillAfterStandard),
            Get(nameof(policy.SpillAfterPriority), policy.SpillAfterPriority),
            Get(nameof(policy.SpillAfterVulnerable), policy.SpillAfterVulnerable),
            Get(nameof(policy.OfferTimeout), policy.OfferTimeout),
            Get(nameof(policy.RepeatWindow), policy.RepeatWindow));
    }
}
