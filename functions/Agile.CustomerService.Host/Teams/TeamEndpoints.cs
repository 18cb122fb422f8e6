using Agile.CustomerService.Application.Admin;
using Agile.CustomerService.Application.Teams;
using Agile.CustomerService.Domain.Cases;
using Agile.CustomerService.Domain.Organisation;
using Agile.CustomerService.Host.Http;
using Agile.CustomerService.Host.Security;

namespace Agile.CustomerService.Host.Teams;

internal sealed record RegionBody(string? Name);

internal sealed record TeamBody(string? Name, string? RegionId, string? Segment);

internal sealed record AgentBody(string? Name, AgentLevel? Level, IReadOnlyList<string>? Skills, int? Capacity);

internal sealed record AvailabilityBody(bool? Available);

internal sealed record LeadsBody(IReadOnlyList<string>? AgentIds);

internal sealed record BoardView(string TeamId, BoardCounts Counts, IReadOnlyList<BoardEntry> Owned, IReadOnlyList<BoardEntry> Helping);

/// <summary>What a team lead sees at a glance: owned work (wherever it is worked) and assists given.</summary>
internal sealed record BoardCounts(int OwnedOpen, int Queued, int Offered, int InProgress, int SpilledOut, int HelpingOpen, int HelpedTotal, int Repeats);

/// <summary>Regions, teams, members, availability and the team board.</summary>
internal static class TeamEndpoints
{
    public static void MapTeamEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Teams");

        api.MapGet("/regions", async (AdminService admin, CancellationToken ct) => HttpResults.Json(await admin.RegionsAsync(ct)))
            .WithSummary("All regions")
            .AllowRoles(Roles.Agent, Roles.Coach, Roles.Admin);

        api.MapPut("/regions/{regionId}", async (string regionId, HttpRequest request, AdminService admin, CancellationToken ct) =>
            {
                var (body, _, error) = await Body.ReadAsync<RegionBody>(request);
                return error
                    ?? Validate.First(Validate.Id("regionId", regionId), Validate.Text("name", body!.Name, 100))
                    ?? (await admin.PutRegionAsync(new Region(regionId, body.Name!), ct)).ToHttp();
            })
            .WithSummary("Create or rename a region")
            .AllowRoles(Roles.Admin);

        api.MapGet("/teams", async (AdminService admin, CancellationToken ct) => HttpResults.Json(await admin.TeamsAsync(ct)))
            .WithSummary("All teams")
            .AllowRoles(Roles.Agent, Roles.Coach, Roles.Admin);

        api.MapPut("/teams/{teamId}", async (string teamId, HttpRequest request, AdminService admin, CancellationToken ct) =>
            {
                var (body, _, error) = await Body.ReadAsync<TeamBody>(request);
                return error
                    ?? Validate.First(
                        Validate.Id("teamId", teamId), Validate.Text("name", body!.Name, 100),
                        Validate.Id("regionId", body.RegionId), Validate.Id("segment", body.Segment))
                    ?? (await admin.PutTeamAsync(new Team(teamId, body.Name!, body.RegionId!, body.Segment!), ct)).ToHttp();
            })
            .WithSummary("Create or update a team (region and customer segment it serves)")
            .AllowRoles(Roles.Admin);

        api.MapGet("/teams/{teamId}", async (string teamId, AdminService admin, CancellationToken ct) =>
                await admin.TeamAsync(teamId, ct) is { } team ? HttpResults.Json(team) : HttpResults.NotFound($"team {teamId} does not exist"))
            .WithSummary("A team: members with level, skills, capacity, availability and current load")
            .AllowTeam(TeamScope.Team, [Roles.Agent], [Roles.Coach, Roles.Admin]);

        api.MapPut("/teams/{teamId}/agents/{agentId}", async (string teamId, string agentId, HttpRequest request, AdminService admin, CancellationToken ct) =>
            {
                var (body, _, error) = await Body.ReadAsync<AgentBody>(request);
                if (error is not null)
                {
                    return error;
                }

                var skills = body!.Skills ?? [];
                return Validate.First(
                        Validate.Id("agentId", agentId), Validate.Text("name", body.Name, 100),
                        Validate.Defined("level", body.Level),
                        Validate.Range("capacity", body.Capacity ?? 0, 1, Agent.MaxCapacity),
                        Validate.Range("skills.length", skills.Count, 0, 20),
                        skills.Select(s => Validate.Id("skills[]", s)).FirstOrDefault(p => p is not null))
                    ?? (await admin.PutAgentAsync(new Agent(agentId, body.Name!, teamId, body.Level!.Value, skills, body.Capacity!.Value), ct)).ToHttp();
            })
            .WithSummary("Add or update a team member")
            .AllowRoles(Roles.Admin);

        api.MapPut("/teams/{teamId}/leads", async (string teamId, HttpRequest request, AdminService admin, CancellationToken ct) =>
            {
                var (body, _, error) = await Body.ReadAsync<LeadsBody>(request);
                if (error is not null)
                {
                    return error;
                }

                var ids = body!.AgentIds;
                return Validate.First(
                        ids is null ? "agentIds (a list, may be empty) is required" : null,
                        Validate.Range("agentIds.length", ids?.Count ?? 0, 0, 10),
                        ids?.Select(a => Validate.Id("agentIds[]", a)).FirstOrDefault(p => p is not null))
                    ?? (await admin.PutLeadsAsync(teamId, ids!, request.HttpContext.User.Describe(), ct)).ToHttp();
            })
            .WithSummary("Name the team's leads: who decides the team's requests from Microsoft Teams (Teams carries no app roles)")
            .AllowRoles(Roles.Admin);

        api.MapGet("/teams/{teamId}/leads", async (string teamId, AdminService admin, CancellationToken ct) =>
                await admin.TeamAsync(teamId, ct) is null
                    ? HttpResults.NotFound($"team {teamId} does not exist")
                    : HttpResults.Json(await admin.LeadsAsync(teamId, ct) ?? new TeamLeads(teamId, [], "nobody", DateTimeOffset.UnixEpoch)))
            .WithSummary("The team's leads")
            .AllowTeam(TeamScope.Team, [Roles.Agent], [Roles.Coach, Roles.Admin]);

        api.MapPut("/teams/{teamId}/agents/{agentId}/availability", async (string teamId, string agentId, HttpRequest request, AdminService admin, CancellationToken ct) =>
            {
                var (body, _, error) = await Body.ReadAsync<AvailabilityBody>(request);
                return error
                    ?? (body!.Available is null ? HttpResults.BadRequest("available (true or false) is required") : null)
                    ?? (await admin.SetAvailabilityAsync(teamId, agentId, body.Available!.Value, ct)).ToHttp();
            })
            .WithSummary("Set an agent available or not (until shift schedules drive availability)")
            .AllowTeam(TeamScope.Team, [Roles.Agent], [Roles.Admin], selfOnly: true);

        api.MapGet("/agents/{agentId}", async (string agentId, AdminService admin, CancellationToken ct) =>
            {
                if (await admin.AgentAsync(agentId, ct) is not { } index || await admin.TeamAsync(index.TeamId, ct) is not { } team)
                {
                    return HttpResults.NotFound($"agent {agentId} does not exist");
                }

                return HttpResults.Json(new { teamId = team.Team.Id, agent = team.Agents.FirstOrDefault(a => a.AgentId == agentId) });
            })
            .WithSummary("An agent, their team and current load")
            .AllowTeam(TeamScope.Agent, [Roles.Agent], [Roles.Coach, Roles.Admin]);

        api.MapGet("/teams/{teamId}/board", async (string teamId, string? view, AdminService admin, BoardProjection board, CancellationToken ct) =>
            {
                if (view is not (null or "open" or "all"))
                {
                    return HttpResults.BadRequest("view must be open or all");
                }

                if (await admin.TeamAsync(teamId, ct) is null)
                {
                    return HttpResults.NotFound($"team {teamId} does not exist");
                }

                var entries = await board.ReadAsync(teamId, ct);
                return HttpResults.Json(ToBoard(teamId, entries, view == "all"));
            })
            .WithSummary("The team board: cases the team owns (also while a helper team works them) and cases it helps with")
            .AllowTeam(TeamScope.Team, [Roles.Agent], [Roles.Coach, Roles.Admin]);
    }

    internal static BoardView ToBoard(string teamId, IReadOnlyList<BoardEntry> entries, bool all)
    {
        static bool Open(BoardEntry e) => e.Status is not (CaseStatus.Resolved or CaseStatus.Closed);
        var owned = entries.Where(e => e.Role == BoardRole.Owner).ToList();
        var helping = entries.Where(e => e.Role == BoardRole.Helper).ToList();
        var openOwned = owned.Where(Open).ToList();
        var counts = new BoardCounts(
            openOwned.Count,
            openOwned.Count(e => e.Status is CaseStatus.Queued or CaseStatus.New),
            openOwned.Count(e => e.Status == CaseStatus.Offered),
            openOwned.Count(e => e.Status == CaseStatus.InProgress),
            openOwned.Count(e => e.HandlingTeamId != teamId),
            helping.Count(Open),
            helping.Count,
            owned.Count(e => e.RepeatOf is not null));
        IEnumerable<BoardEntry> Pick(IEnumerable<BoardEntry> list) => (all ? list : list.Where(Open)).OrderBy(e => e.OpenedAt);
        return new BoardView(teamId, counts, [.. Pick(owned)], [.. Pick(helping)]);
    }
}
