using Agile.CustomerService.Application;
using Agile.CustomerService.Application.Scheduling;
using Agile.CustomerService.Host.Http;
using Agile.CustomerService.Host.Security;
using Agile.CustomerService.Scheduling;

namespace Agile.CustomerService.Host.Scheduling;

/// <summary>
/// Self-scheduled shifts of a team (issue 7): periods, claims, open shifts, swaps, time off, team decisions,
/// CP-SAT suggestions and coverage. Changes to a period need Idempotency-Key and If-Match (its ETag, or *).
/// </summary>
internal static class ScheduleEndpoints
{
    public const int MaxText = 2000;
    public static readonly TimeSpan MaxTimeLimit = TimeSpan.FromSeconds(60);

    public static void MapScheduleEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/teams/{teamId}/schedule").WithTags("Scheduling");

        api.MapPost("/periods", OpenAsync)
            .WithSummary("Open a schedule period (2-4 weeks) with templates, coverage needs and labour rules")
            .AllowTeam(TeamScope.Team, [Roles.TeamLead], [Roles.Admin]);

        api.MapGet("/periods", async (string teamId, ScheduleService service, CancellationToken ct) =>
                HttpResults.Json(await service.ListAsync(teamId, ct)))
            .WithSummary("The team's schedule periods")
            .AllowTeam(TeamScope.Team, [Roles.Agent], [Roles.Coach, Roles.Admin]);

        api.MapGet("/periods/{periodId}", async (string teamId, string periodId, ScheduleService service, CancellationToken ct) =>
                await service.GetAsync(teamId, periodId, ct) is { } stored
                    ? HttpResults.Json(stored.Value, stored.ETag)
                    : HttpResults.NotFound($"period {periodId} of team {teamId} does not exist"))
            .WithSummary("A period: needs, templates, rules, agents, shifts, open shifts, time off, swap and time-off requests; the ETag is the If-Match for changes")
            .AllowTeam(TeamScope.Team, [Roles.Agent], [Roles.Coach, Roles.Admin]);

        api.MapGet("/periods/{periodId}/coverage", CoverageAsync)
            .WithSummary("Coverage against need per 30-minute interval and activity, totals, each agent's load and the fairness spread")
            .AllowTeam(TeamScope.Team, [Roles.Agent], [Roles.Coach, Roles.Admin]);

        api.MapPost("/periods/{periodId}/suggestions", SuggestAsync)
            .WithSummary("CP-SAT suggestion: fill the gaps (mode gaps) or propose the whole period around the claims (mode period); writes nothing")
            .AllowTeam(TeamScope.Team, [Roles.TeamLead], [Roles.Admin]);

        api.MapPut("/teams-link", async (string teamId, HttpRequest request, TeamsShiftsSync sync, CancellationToken ct) =>
            {
                var (body, _, error) = await Body.ReadAsync<TeamsLinkBody>(request);
                if (error is not null)
                {
                    return error;
                }

                var users = body!.Users ?? new Dictionary<string, string>();
                return Validate.First(
                        Validate.Id("teamId", teamId),
                        Validate.Text("graphTeamId", body.GraphTeamId, 100), Validate.Text("actAsUserId", body.ActAsUserId, 100),
                        Validate.Text("schedulingGroupId", body.SchedulingGroupId, 200),
                        Validate.Range("users.count", users.Count, 0, ScheduleBodies.MaxAgents),
                        users.Select(u => Validate.Id("users key", u.Key) ?? Validate.Text($"users.{u.Key}", u.Value, 100)).FirstOrDefault(p => p is not null))
                    ?? (await sync.PutLinkAsync(teamId, new ShiftsLink(body.GraphTeamId!, body.ActAsUserId!, body.SchedulingGroupId!, users), ct)).ToHttp();
            })
            .WithSummary("Link the team to its Microsoft Teams team: Teams team id, the user the app acts as, the scheduling group, agent to Entra user ids")
            .AllowRoles(Roles.Admin);

        api.MapPost("/periods/{periodId}/teams-sync", async (string teamId, string periodId, TeamsShiftsSync sync, CancellationToken ct) =>
                (await sync.SyncAsync(teamId, periodId, ct)).ToHttp())
            .WithSummary("Sync a published period with Teams Shifts: publish shifts and open shifts, import Teams requests, answer decided ones (idempotent)")
            .AllowTeam(TeamScope.Team, [Roles.TeamLead], [Roles.Admin]);

        Mutation<EmptyBody>(api, "/periods/{periodId}/publish", "Publish the period: routing capacity follows its shifts",
            _ => null,
            (s, r, _) => s.PublishAsync(r.TeamId, r.PeriodId, r.IfMatch, r.Key, r.Ct));

        Mutation<EmptyBody>(api, "/periods/{periodId}/open-shifts", "Publish an open shift for every coverage gap a template can fill",
            _ => null,
            (s, r, _) => s.OpenShiftsForGapsAsync(r.TeamId, r.PeriodId, r.IfMatch, r.Key, r.Ct));

        Mutation<NewShiftBody>(api, "/periods/{periodId}/shifts", "An agent claims a new shift from a template on a date",
            b => Validate.First(Validate.Id("agentId", b.AgentId), b.Date is null ? "date (yyyy-MM-dd) is required" : null, Validate.Id("templateId", b.TemplateId)),
            (s, r, b) => s.ClaimNewShiftAsync(r.TeamId, r.PeriodId, b.AgentId!, b.Date!.Value, b.TemplateId!, r.IfMatch, r.Key, r.Raw, r.Ct));

        Mutation<AgentOnlyBody>(api, "/periods/{periodId}/shifts/{shiftId:guid}/claim", "An agent claims an open shift",
            b => Validate.First(Validate.Id("agentId", b.AgentId)),
            (s, r, b) => s.ClaimOpenShiftAsync(r.TeamId, r.PeriodId, r.Id!.Value, b.AgentId!, r.IfMatch, r.Key, r.Raw, r.Ct));

        Mutation<AgentOnlyBody>(api, "/periods/{periodId}/shifts/{shiftId:guid}/release", "An agent gives a shift back; it becomes an open shift",
            b => Validate.First(Validate.Id("agentId", b.AgentId)),
            (s, r, b) => s.ReleaseShiftAsync(r.TeamId, r.PeriodId, r.Id!.Value, b.AgentId!, r.IfMatch, r.Key, r.Raw, r.Ct));

        Mutation<SwapBody>(api, "/periods/{periodId}/swaps", "Ask a peer to swap shifts (or take one: no peerShiftId)",
            b => Validate.First(
                Validate.Id("requesterId", b.RequesterId), b.RequesterShiftId is null ? "requesterShiftId is required" : null, Validate.Id("peerId", b.PeerId)),
            (s, r, b) => s.RequestSwapAsync(r.TeamId, r.PeriodId, b.RequesterId!, b.RequesterShiftId!.Value, b.PeerId!, b.PeerShiftId, r.IfMatch, r.Key, r.Raw, r.Ct));

        Mutation<AnswerBody>(api, "/periods/{periodId}/swaps/{swapId:guid}/answer", "The peer accepts or declines; an accepted swap is approved when coverage and rules hold, otherwise the team decides",
            b => Validate.First(Validate.Id("agentId", b.AgentId), b.Accept is null ? "accept (true or false) is required" : null),
            (s, r, b) => s.AnswerSwapAsync(r.TeamId, r.PeriodId, r.Id!.Value, b.AgentId!, b.Accept!.Value, r.IfMatch, r.Key, r.Raw, r.Ct));

        Mutation<DecisionBody>(api, "/periods/{periodId}/swaps/{swapId:guid}/decision", "The team approves or declines a swap referred to it",
            b => DecisionProblem(b),
            (s, r, b) => s.DecideSwapAsync(r.TeamId, r.PeriodId, r.Id!.Value, b.By!, b.Approve!.Value, r.IfMatch, r.Key, r.Raw, r.Ct));

        Mutation<TimeOffBody>(api, "/periods/{periodId}/time-off", "Request time off (local times); approved when coverage holds, otherwise the team decides",
            b => Validate.First(
                Validate.Id("agentId", b.AgentId), b.From is null ? "from (local date-time) is required" : null, b.Until is null ? "until (local date-time) is required" : null,
                b.From is { } f && b.Until is { } u && u <= f ? "until must be after from" : null,
                b.From is { } f2 && b.Until is { } u2 && u2 - f2 > TimeSpan.FromDays(62) ? "time off is at most 62 days in one request" : null,
                Validate.Text("reason", b.Reason, MaxText, required: false)),
            (s, r, b) => s.RequestTimeOffAsync(r.TeamId, r.PeriodId, b.AgentId!, DateTime.SpecifyKind(b.From!.Value, DateTimeKind.Unspecified), DateTime.SpecifyKind(b.Until!.Value, DateTimeKind.Unspecified), b.Reason, r.IfMatch, r.Key, r.Raw, r.Ct));

        Mutation<DecisionBody>(api, "/periods/{periodId}/time-off/{requestId:guid}/decision", "The team approves or declines time off referred to it",
            b => DecisionProblem(b),
            (s, r, b) => s.DecideTimeOffAsync(r.TeamId, r.PeriodId, r.Id!.Value, b.By!, b.Approve!.Value, r.IfMatch, r.Key, r.Raw, r.Ct));
    }

    private static IResult? DecisionProblem(DecisionBody b) =>
        Validate.First(Validate.Id("by", b.By), b.Approve is null ? "approve (true or false) is required" : null, Validate.Text("reason", b.Reason, MaxText, required: false));

    internal sealed record EmptyBody;

    internal sealed record Route(string TeamId, string PeriodId, Guid? Id, string IfMatch, string Key, string Raw, CancellationToken Ct);

    private static void Mutation<TBody>(
        RouteGroupBuilder group, string pattern, string summary, Func<TBody, IResult?> validate,
        Func<ScheduleService, Route, TBody, Task<Outcome>> run)
        where TBody : class
    {
        group.MapPost(pattern, async (HttpRequest request, ScheduleService service, CancellationToken ct) =>
            {
                var values = request.RouteValues;
                var teamId = (string)values["teamId"]!;
                var periodId = (string)values["periodId"]!;
                if (Validate.First(Validate.Id("teamId", teamId), Validate.Id("periodId", periodId)) is { } badRoute)
                {
                    return badRoute;
                }

                if (string.IsNullOrWhiteSpace(request.Headers.IfMatch))
                {
                    return Problem.PreconditionRequired("If-Match is required: send the ETag from GET /api/teams/{teamId}/schedule/periods/{periodId}, or * for whatever is current").ToHttp();
                }

                if (Idempotency.KeyOf(request) is not { } key)
                {
                    return Idempotency.MissingKey();
                }

                TBody body;
                var raw = string.Empty;
                if (typeof(TBody) == typeof(EmptyBody))
                {
                    body = (TBody)(object)new EmptyBody();
                }
                else
                {
                    var (read, text, error) = await Body.ReadAsync<TBody>(request);
                    if (error is not null)
                    {
                        return error;
                    }

                    (body, raw) = (read!, text!);
                }

                if (validate(body) is { } invalid)
                {
                    return invalid;
                }

                if (ActorProblem(request.HttpContext.User, body) is { } forbidden)
                {
                    return forbidden;
                }

                Guid? id = values.TryGetValue("shiftId", out var s) ? Guid.Parse((string)s!, System.Globalization.CultureInfo.InvariantCulture)
                    : values.TryGetValue("swapId", out var w) ? Guid.Parse((string)w!, System.Globalization.CultureInfo.InvariantCulture)
                    : values.TryGetValue("requestId", out var q) ? Guid.Parse((string)q!, System.Globalization.CultureInfo.InvariantCulture)
                    : null;
                var outcome = await run(service, new Route(teamId, periodId, id, request.Headers.IfMatch.ToString(), key, raw, ct), body);
                return outcome.ToHttp();
            })
            .WithSummary(summary)
            .AllowTeam(TeamScope.Team, LeadsOnly(pattern) ? [Roles.TeamLead] : [Roles.Agent], AdminsToo(pattern) ? [Roles.Admin] : []);
    }

    /// <summary>An admin may publish and open shifts for a team (support); decisions stay the team's.</summary>
    private static bool AdminsToo(string pattern) =>
        pattern.EndsWith("/publish", StringComparison.Ordinal) || pattern.EndsWith("/open-shifts", StringComparison.Ordinal);

    /// <summary>Publishing, open shifts and decisions are the team lead's; the rest any member's.</summary>
    private static bool LeadsOnly(string pattern) =>
        pattern.EndsWith("/publish", StringComparison.Ordinal) || pattern.EndsWith("/open-shifts", StringComparison.Ordinal) || pattern.EndsWith("/decision", StringComparison.Ordinal);

    /// <summary>
    /// Whoever the body names as acting must be the caller; a team lead may claim, release and
    /// ask time off on a teammate's behalf (the route's team is already checked).
    /// </summary>
    private static IResult? ActorProblem(System.Security.Claims.ClaimsPrincipal user, object body) => body switch
    {
        NewShiftBody b when !user.IsInRole(Roles.TeamLead) => Access.ActsAsSelf(user, b.AgentId),
        AgentOnlyBody b when !user.IsInRole(Roles.TeamLead) => Access.ActsAsSelf(user, b.AgentId),
        TimeOffBody b when !user.IsInRole(Roles.TeamLead) => Access.ActsAsSelf(user, b.AgentId),
        SwapBody b => Access.ActsAsSelf(user, b.RequesterId),
        AnswerBody b => Access.ActsAsSelf(user, b.AgentId),
        DecisionBody b => Access.ActsAsSelf(user, b.By),
        _ => null,
    };

    private static async Task<IResult> OpenAsync(string teamId, HttpRequest request, ScheduleService service, CancellationToken ct)
    {
        if (Idempotency.KeyOf(request) is not { } key)
        {
            return Idempotency.MissingKey();
        }

        var (body, raw, error) = await Body.ReadAsync<OpenPeriodBody>(request);
        if (error is not null)
        {
            return error;
        }

        if (Validate.First(Validate.Id("teamId", teamId)) is { } badTeam)
        {
            return badTeam;
        }

        var (open, problem) = ScheduleBodies.ToRequest(body!);
        return problem is not null
            ? HttpResults.BadRequest(problem)
            : (await service.OpenAsync(teamId, open!, key, raw!, ct)).ToHttp();
    }

    private static async Task<IResult> CoverageAsync(string teamId, string periodId, DateOnly? date, bool? shortOnly, ScheduleService service, CancellationToken ct)
    {
        if (await service.GetAsync(teamId, periodId, ct) is not { } stored)
        {
            return HttpResults.NotFound($"period {periodId} of team {teamId} does not exist");
        }

        var report = CoverageReport.For(stored.Value.Schedule);
        var intervals = report.Intervals
            .Where(i => date is null || DateOnly.FromDateTime(i.Start) == date)
            .Where(i => shortOnly != true || i.Shortfall > 0)
            .Select(i => new { i.Activity, i.Start, i.Scheduled, i.Need, i.Shortfall });
        return HttpResults.Json(new { report.Totals, report.ByActivity, report.Fairness, report.Agents, Intervals = intervals }, stored.ETag);
    }

    private static async Task<IResult> SuggestAsync(string teamId, string periodId, HttpRequest request, ScheduleService service, CancellationToken ct)
    {
        var (body, _, error) = await Body.ReadAsync<SuggestBody>(request);
        if (error is not null)
        {
            return error;
        }

        var limit = TimeSpan.FromSeconds(body!.TimeLimitSeconds ?? 10);
        if (Validate.First(
            body.Mode is null or "gaps" or "period" ? null : "mode must be gaps or period",
            body.TimeLimitSeconds is null or (> 0 and <= 60) ? null : $"timeLimitSeconds must be above 0 and at most {MaxTimeLimit.TotalSeconds}") is { } invalid)
        {
            return invalid;
        }

        if (await service.GetAsync(teamId, periodId, ct) is not { } stored)
        {
            return HttpResults.NotFound($"period {periodId} of team {teamId} does not exist");
        }

        // CP-SAT is CPU-bound: off the request thread, bounded by the time limit.
        var suggestion = await Task.Run(() => ScheduleService.Suggest(stored.Value, body.Mode == "period", limit), ct);
        return HttpResults.Json(new
        {
            suggestion.Status,
            suggestion.Shifts,
            suggestion.Shortfall,
            suggestion.ShortfallLowerBound,
            suggestion.CoverageGapPercent,
            suggestion.Unfairness,
            suggestion.UnmetPreferences,
            suggestion.Stages,
            suggestion.SolveTime,
            Coverage = new { suggestion.Coverage.Totals, suggestion.Coverage.ByActivity, suggestion.Coverage.Fairness, suggestion.Coverage.Agents },
        });
    }
}
