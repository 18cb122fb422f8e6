using Agile.CustomerService.Application.Admin;
using Agile.CustomerService.Application.Authority;
using Agile.CustomerService.Application.Cases;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Application.Teams;
using Agile.CustomerService.Domain.Cases;

namespace Agile.CustomerService.Application.MicrosoftTeams;

/// <summary>A button on a reply: an Adaptive Card Action.Execute with a verb and the case or request it acts on.</summary>
public sealed record ChatAction(string Title, string Verb, string Target);

/// <summary>What the bot answers, independent of how it is rendered (Adaptive Card 1.5 in Teams).</summary>
public sealed record ChatReply(string Title, IReadOnlyList<string> Lines, IReadOnlyList<ChatAction> Actions, bool Ok = true)
{
    public static ChatReply Text(string title, params string[] lines) => new(title, lines, []);

    public static ChatReply Refused(string title, string reason) => new(title, [reason], [], Ok: false);
}

/// <summary>
/// Runs chat commands for a known agent through the application services (the same decisions,
/// rules and writes as the HTTP API). Every case command goes through the case decider: a
/// case not offered to the caller cannot be taken, one not assigned to them cannot be resolved.
/// </summary>
public sealed class ChatDispatcher(
    CaseService cases, AdminService admin, BoardProjection boards, IStateStore store, IScheduleCommands schedule, AuthorityService authority, Retrospectives.RetroService retros)
{
    public const string TakeVerb = "take";
    public const string ApproveVerb = "approve";
    public const string DeclineVerb = "decline";
    public const string AcceptSwapVerb = "accept-swap";
    public const string DeclineSwapVerb = "decline-swap";

    /// <summary>The peer of a swap answers from the card that asked them.</summary>
    public async Task<ChatReply> AnswerSwapAsync(string agentId, string swapId, bool accept, CancellationToken cancellationToken) =>
        Schedule(accept ? "Accept swap" : "Decline swap", await schedule.AnswerSwapAsync(agentId, swapId, accept, cancellationToken));

    /// <summary>
    /// Approve or decline a team request (Action.Execute on an approval card): a customer action
    /// beyond an agent's authority (<c>action-…</c>), or a shift swap or time off (a GUID). Only
    /// the team's leads decide (<see cref="TeamLeads"/>: Teams activities carry no app roles).
    /// </summary>
    public async Task<ChatReply> DecideRequestAsync(string agentId, string requestId, bool approve, CancellationToken cancellationToken)
    {
        var title = approve ? "Approve request" : "Decline request";
        var (teamId, isLead) = await admin.LeadershipAsync(agentId, cancellationToken);
        if (teamId is null)
        {
            return ChatReply.Refused(title, $"agent {agentId} is not a member of any team");
        }

        if (!isLead)
        {
            return ChatReply.Refused(title, $"only a lead of team {teamId} decides its requests; an admin names the leads (PUT /api/teams/{teamId}/leads)");
        }

        if (!requestId.StartsWith("action-", StringComparison.Ordinal))
        {
            return Schedule(title, await schedule.DecideAsync(agentId, requestId, approve, cancellationToken));
        }

        return await authority.DecideAsync(teamId, requestId, approve, agentId, "decided in Microsoft Teams", cancellationToken) switch
        {
            Success s when Json.Read<CustomerAction>(s.BodyJson) is var a => ChatReply.Text(
                title, $"{a.Action} of {a.Amount} {a.Unit} for case {a.CaseId}, asked by {a.AgentId}: {a.Status.ToString().ToLowerInvariant()} by {a.DecidedBy}."),
            Problem p => ChatReply.Refused(title, p.Detail),
            _ => ChatReply.Refused(title, "the request could not be decided"),
        };
    }

    public async Task<ChatReply> RunAsync(string agentId, ChatCommand command, CancellationToken cancellationToken) => command switch
    {
        Usage => ChatReply.Text("Commands", ChatCommandParser.Help.Split('\n', StringSplitOptions.RemoveEmptyEntries)),
        NotUnderstood n => new ChatReply("Not understood", [n.Problem, "Type help for the list of commands."], [], Ok: false),
        MyCases => await MyCasesAsync(agentId, cancellationToken),
        TakeCase t => await CaseCommandAsync(t.CaseId, "Take", (_, at) => new AcceptOffer(agentId, at), c => $"You hold case {c.Id} ({c.Topic}).", cancellationToken),
        AskHelp h => await HelpAsync(agentId, h, cancellationToken),
        ResolveFromChat r => await CaseCommandAsync(r.CaseId, "Resolve", (_, at) => new ResolveCase(agentId, r.Resolution, at), c => $"Case {c.Id} is resolved.", cancellationToken),
        SpillFromChat s => await SpillAsync(agentId, s, cancellationToken),
        ListShifts => Schedule("Your shifts", await schedule.ShiftsAsync(agentId, cancellationToken)),
        ClaimShift c => Schedule("Claim shift", await schedule.ClaimAsync(agentId, c.ShiftId, cancellationToken)),
        SwapShift s => Schedule("Swap shift", await schedule.SwapAsync(agentId, s.ShiftId, s.WithAgentId, cancellationToken)),
        RequestTimeOff t => Schedule("Time off", await schedule.TimeOffAsync(agentId, t.From, t.To, cancellationToken)),
        AddRetroItem r => await RetroItemAsync(agentId, r, cancellationToken),
        _ => ChatReply.Refused("Not understood", "unknown command"),
    };

    private async Task<ChatReply> MyCasesAsync(string agentId, CancellationToken cancellationToken)
    {
        if (await admin.AgentAsync(agentId, cancellationToken) is not { } agent)
        {
            return ChatReply.Refused("My cases", $"agent {agentId} is not a member of any team");
        }

        var mine = (await boards.ReadAsync(agent.TeamId, cancellationToken))
            .Where(e => e.Status is CaseStatus.Offered or CaseStatus.InProgress && (e.AssignedTo == agentId || e.OfferedTo == agentId))
            .OrderBy(e => e.OpenedAt)
            .Take(20)
            .ToList();
        if (mine.Count == 0)
        {
            return ChatReply.Text("My cases", "You hold no cases and none is offered to you.");
        }

        return new ChatReply(
            "My cases",
            [.. mine.Select(e => $"{e.CaseId}: {e.Topic} ({(e.Status == CaseStatus.Offered ? "offered to you" : "in progress")}, {e.CustomerTier} customer)")],
            [.. mine.Where(e => e.Status == CaseStatus.Offered).Select(e => new ChatAction($"Take {e.Topic}", TakeVerb, e.CaseId))]);
    }

    /// <summary>Takes an offered case: the Action.Execute of a proactive offer card lands here too.</summary>
    public Task<ChatReply> TakeAsync(string agentId, string caseId, CancellationToken cancellationToken) =>
        CaseIds.CustomerOf(caseId) is null
            ? Task.FromResult(ChatReply.Refused("Take", $"'{caseId}' is not a case id"))
            : CaseCommandAsync(caseId, "Take", (_, at) => new AcceptOffer(agentId, at), c => $"You hold case {c.Id} ({c.Topic}).", cancellationToken);

    private async Task<ChatReply> RetroItemAsync(string agentId, AddRetroItem item, CancellationToken cancellationToken)
    {
        if (await admin.AgentAsync(agentId, cancellationToken) is not { } agent)
        {
            return ChatReply.Refused("Retrospective", $"agent {agentId} is not a member of any team");
        }

        var open = (await retros.ListAsync(agent.TeamId, cancellationToken)).LastOrDefault(r => r.Status == Domain.Retrospectives.RetroStatus.Open);
        if (open is null)
        {
            return ChatReply.Refused("Retrospective", $"team {agent.TeamId} has no open retrospective; a team lead or coach opens one");
        }

        // The same message sent twice adds one item.
        var key = "teams:retro:" + CommandLog.DeterministicId(agentId, $"{item.Kind}\n{item.Text}");
        return await retros.AddItemAsync(agent.TeamId, open.Sprint, item.Kind, item.Text, agentId, item.Anonymous, key, cancellationToken) switch
        {
            Success => ChatReply.Text("Retrospective", $"Added to retrospective {open.Sprint}{(item.Anonymous ? " without your name" : "")}: {item.Text}"),
            Problem p => ChatReply.Refused("Retrospective", p.Detail),
            _ => ChatReply.Refused("Retrospective", "the item could not be added"),
        };
    }

    private async Task<ChatReply> HelpAsync(string agentId, AskHelp help, CancellationToken cancellationToken)
    {
        if (await cases.GetAsync(help.CaseId, cancellationToken) is not { } stored)
        {
            return ChatReply.Refused("Help", $"case {help.CaseId} does not exist");
        }

        var state = stored.Value.State;
        var team = await TeamState.LoadAsync(store, state.HandlingTeamId, withQueue: false, cancellationToken);
        var assistant = help.AssistantId
            ?? team?.Dispatch.Agents.Where(a => a.AgentId != agentId && a.Spare > 0 && !state.Assistants.Contains(a.AgentId))
                .OrderByDescending(a => a.Spare).ThenBy(a => a.AgentId, StringComparer.Ordinal).FirstOrDefault()?.AgentId;
        if (assistant is null)
        {
            return ChatReply.Refused("Help", $"nobody else in team {state.HandlingTeamId} has spare capacity right now; name a teammate: help <case> with <agent>");
        }

        if (team?.Dispatch.Agent(assistant) is null)
        {
            return ChatReply.Refused("Help", $"{assistant} is not a member of team {state.HandlingTeamId}");
        }

        return await CaseCommandAsync(help.CaseId, "Help", (_, at) => new AskForHelp(agentId, assistant, "asked from Microsoft Teams", at), c => $"{assistant} is asked to assist with case {c.Id}.", cancellationToken);
    }

    private async Task<ChatReply> SpillAsync(string agentId, SpillFromChat spill, CancellationToken cancellationToken)
    {
        if (await cases.GetAsync(spill.CaseId, cancellationToken) is not { } stored)
        {
            return ChatReply.Refused("Spill", $"case {spill.CaseId} does not exist");
        }

        var state = stored.Value.State;
        var agent = await admin.AgentAsync(agentId, cancellationToken);
        if (agent is null || (agent.TeamId != state.OwningTeamId && agent.TeamId != state.HandlingTeamId))
        {
            return ChatReply.Refused("Spill", $"only the owning or handling team of case {state.Id} may ask for spill-over");
        }

        if (await cases.ChooseHelperAsync(state, cancellationToken) is not { } helper)
        {
            return ChatReply.Refused("Spill", "no other team has an eligible agent with spare capacity right now");
        }

        return await CaseCommandAsync(spill.CaseId, "Spill", (_, at) => new SpillOver(helper, spill.Reason, agentId, at), c => $"Team {helper} helps with case {c.Id}; team {c.OwningTeamId} stays accountable.", cancellationToken);
    }

    private async Task<ChatReply> CaseCommandAsync(
        string caseId, string title, Func<SupportCase, DateTimeOffset, CaseCommand> command, Func<SupportCase, string> done, CancellationToken cancellationToken)
    {
        var (decision, state) = await cases.ExecuteAsync(caseId, command, cancellationToken);
        return decision switch
        {
            Accepted or AlreadyApplied when state is not null => ChatReply.Text(title, done(state)),
            Rejected r => ChatReply.Refused(title, r.Reason),
            _ => ChatReply.Refused(title, $"case {caseId} does not exist"),
        };
    }

    private static ChatReply Schedule(string title, ScheduleAnswer answer) => new(
        title,
        [answer.Message, .. answer.Shifts.Select(s => $"{s.ShiftId}: {s.Start:ddd yyyy-MM-dd HH:mm}–{s.End:HH:mm} ({s.TimeZone}) {s.Activity}")],
        [],
        answer.Done);
}
