using Agile.CustomerService.Application.Cases;
using Agile.CustomerService.Application.Pipeline;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Domain.Cases;

namespace Agile.CustomerService.Application.MicrosoftTeams;

/// <summary>The result of one delivery: sent, or refused for good (the bot was removed, the user left): not retried.</summary>
public enum Delivery
{
    Sent,
    Undeliverable,
}

/// <summary>The ways out to Microsoft Teams: the Bot Connector (a conversation) and the Graph activity feed (a person).</summary>
public interface ITeamsMessenger
{
    /// <summary>False when no bot is configured (the local run, a pilot without Teams): nothing is sent.</summary>
    bool Enabled { get; }

    /// <summary>Posts a card to a conversation. Transient failures are retried inside; what still fails throws.</summary>
    Task<Delivery> SendAsync(ConversationReference conversation, ChatReply reply, CancellationToken cancellationToken);

    /// <summary>An activity-feed notification for a person who has the app but no conversation with the bot.</summary>
    Task<Delivery> NotifyFeedAsync(TeamsIdentity person, string activityType, string preview, string topic, CancellationToken cancellationToken);
}

/// <summary>
/// The <c>TeamsNotifications</c> subscriber: turns events into proactive messages (the table in
/// docs/teams.md). To a team's channel: spill-over asked and taken, SLA at risk (a case waits
/// with nobody free), requests the team decides (customer actions beyond an agent's authority,
/// swaps and time off), retros opened and closed. To a person: a case offered to them (Take),
/// a swap asked of them (Accept / Decline), a decision card if they lead the team, the decision
/// on their request, their retro action items; by activity feed when the bot has no chat with
/// them. Idempotent per event and recipient (<see cref="TeamsDelivery"/>), so a redelivered
/// event sends nothing twice.
/// </summary>
public sealed class TeamsNotifier(
    TeamsDelivery delivery, CaseService cases, Admin.AdminService admin, IScheduleCommands schedule) : IChangeSubscriber
{
    public const string CaseOfferedActivity = "caseOffered";
    public const string ApprovalDecidedActivity = "approvalDecided";
    public const string ApprovalNeededActivity = "approvalNeeded";
    public const string RetroReminderActivity = "retroReminder";
    public const string SwapAskedActivity = "swapAsked";
    private const int MaxListed = 10;

    public string Name => "teams";

    private static readonly HashSet<string> Notified = new(StringComparer.Ordinal)
    {
        nameof(CaseOffered), nameof(CaseSpilledOver), nameof(OfferAccepted), nameof(CaseQueued),
    };

    /// <summary>Each event of a batch is a notification of its own.</summary>
    public Task HandleAsync(ChangeBatch batch, int index, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return HandleAsync(batch[index], cancellationToken);
    }

    public async Task HandleAsync(ChangeRecord change, CancellationToken cancellationToken)
    {
        if (!delivery.Enabled)
        {
            return;
        }

        switch (change.Event.Type)
        {
            case "ApprovalRequested":
                await ApprovalNeededAsync(change.Event.EventId, Json.Read<Authority.CustomerAction>(change.Event.Json), cancellationToken);
                return;
            case "ApprovalDecided":
                await ApprovalDecidedAsync(change.Event.EventId, Json.Read<Authority.CustomerAction>(change.Event.Json), cancellationToken);
                return;
            case Retrospectives.RetroService.OpenedEvent:
                await RetroOpenedAsync(change.Event.EventId, Json.Read<Domain.Retrospectives.Retrospective>(change.Event.Json), cancellationToken);
                return;
            case Retrospectives.RetroService.ClosedEvent:
                await RetroClosedAsync(change.Event.EventId, Json.Read<Domain.Retrospectives.Retrospective>(change.Event.Json), cancellationToken);
                return;
            case "SwapRequested":
                await SwapAskedAsync(change.Event.EventId, change.Event.Json, cancellationToken);
                return;
            case "SwapReferredToTeam" or "TimeOffReferredToTeam":
                await ScheduleDecisionNeededAsync(change.Event.EventId, change.Event.Type, change.Event.Json, cancellationToken);
                return;
        }

        if (!Notified.Contains(change.Event.Type))
        {
            // Other case events, and any other kind of event sharing the topic, say nothing in Teams.
            return;
        }

        var e = Json.Read<CaseEvent>(change.Event.Json);
        var id = change.Event.EventId;
        switch (e)
        {
            case CaseOffered offered:
                await ToPersonAsync(id, offered, cancellationToken);
                break;
            case CaseSpilledOver spilled:
                await delivery.ToTeamAsync(id, spilled.FromTeamId, ChatReply.Text("Spill-over asked", $"Case {e.CaseId} goes to team {spilled.ToTeamId} for help; your team stays accountable.", $"Reason: {spilled.Reason}"), cancellationToken);
                await delivery.ToTeamAsync(id, spilled.ToTeamId, ChatReply.Text("Spill-over: your help is asked", $"Team {spilled.FromTeamId} asks your team to help with case {e.CaseId}.", $"Reason: {spilled.Reason}"), cancellationToken);
                break;
            case OfferAccepted accepted:
                if ((await cases.GetAsync(e.CaseId, cancellationToken))?.Value.State is { } c && c.HandlingTeamId != c.OwningTeamId)
                {
                    await delivery.ToTeamAsync(id, c.OwningTeamId, ChatReply.Text("Spill-over taken", $"{accepted.AgentId} of team {c.HandlingTeamId} took case {c.Id} ({c.Topic})."), cancellationToken);
                }

                break;
            case CaseQueued queued:
                await delivery.ToTeamAsync(id, queued.TeamId, ChatReply.Text("SLA at risk", $"Case {e.CaseId} waits: nobody in the team is free.", $"It spills over to another team at {queued.SpillAt:yyyy-MM-dd HH:mm} UTC unless someone takes it."), cancellationToken);
                break;
        }
    }

    /// <summary>The retro is open: the team is asked for its items, and reminded of the previous retro's action items to review first.</summary>
    private async Task RetroOpenedAsync(string eventId, Domain.Retrospectives.Retrospective retro, CancellationToken cancellationToken)
    {
        var lines = new List<string>
        {
            $"Sprint {retro.From:yyyy-MM-dd} to {retro.To:yyyy-MM-dd}: add what went well, what to improve and your ideas (retro <well|improve|idea> <text>).",
        };
        if (retro.Review.Count > 0)
        {
            lines.Add($"First we review the {retro.Review.Count} action items of sprint {retro.PreviousSprint}:");
            lines.AddRange(retro.Review.Take(MaxListed).Select(r => $"{r.Action.Title} ({r.Action.OwnerId}, due {r.Action.DueDate:yyyy-MM-dd})"));
        }

        await delivery.ToTeamAsync(eventId, retro.TeamId, new ChatReply($"Retrospective {retro.Sprint} is open", lines, []), cancellationToken);
    }

    /// <summary>The retro is closed: its action items to the channel, and each owner is reminded of theirs.</summary>
    private async Task RetroClosedAsync(string eventId, Domain.Retrospectives.Retrospective retro, CancellationToken cancellationToken)
    {
        var lines = retro.Actions.Count == 0
            ? ["No action items this time."]
            : retro.Actions.Take(MaxListed).Select(a => $"{a.Title}: {a.OwnerId}, due {a.DueDate:yyyy-MM-dd}").ToList();
        await delivery.ToTeamAsync(eventId, retro.TeamId, new ChatReply($"Retrospective {retro.Sprint} is closed: {retro.Actions.Count} action items", lines, []), cancellationToken);
        foreach (var owned in retro.Actions.GroupBy(a => a.OwnerId, StringComparer.Ordinal))
        {
            await delivery.ToAgentAsync(
                eventId, retro.TeamId, owned.Key,
                new ChatReply($"Your action items from retrospective {retro.Sprint}", [.. owned.Select(a => $"{a.Title}, due {a.DueDate:yyyy-MM-dd}")], []),
                RetroReminderActivity, $"your action items of sprint {retro.Sprint}", cancellationToken);
        }
    }

    private static ChatAction[] DecisionButtons(string requestId) =>
        [new("Approve", ChatDispatcher.ApproveVerb, requestId), new("Decline", ChatDispatcher.DeclineVerb, requestId)];

    private Task ApprovalNeededAsync(string eventId, Authority.CustomerAction request, CancellationToken cancellationToken) =>
        ToTeamAndLeadsAsync(eventId, request.TeamId, request.AgentId, new ChatReply(
            "Approval needed",
            [
                $"{request.AgentId} asks for a {request.Action} of {request.Amount} {request.Unit} on case {request.CaseId}: beyond their limit of {request.Limit} {request.Unit}.",
                $"Reason: {request.Reason}",
                "A team lead decides.",
            ],
            DecisionButtons(request.Id)), $"{request.Action} on case {request.CaseId}", cancellationToken);

    /// <summary>A request for the team's decision: to its channel, and to each lead personally (not to a lead who asked).</summary>
    private async Task ToTeamAndLeadsAsync(string eventId, string teamId, string askedBy, ChatReply reply, string topic, CancellationToken cancellationToken)
    {
        await delivery.ToTeamAsync(eventId, teamId, reply, cancellationToken);
        foreach (var lead in (await admin.LeadsAsync(teamId, cancellationToken))?.AgentIds ?? [])
        {
            if (lead != askedBy)
            {
                await delivery.ToAgentAsync(eventId, teamId, lead, reply, ApprovalNeededActivity, topic, cancellationToken);
            }
        }
    }

    private async Task ApprovalDecidedAsync(string eventId, Authority.CustomerAction decided, CancellationToken cancellationToken) =>
        await delivery.ToAgentAsync(eventId, decided.TeamId, decided.AgentId, ChatReply.Text(
            decided.Status == Authority.CustomerActionStatus.Approved ? "Your request is approved" : "Your request is declined",
            $"{decided.Action} of {decided.Amount} {decided.Unit} on case {decided.CaseId}: {decided.Status.ToString().ToLowerInvariant()} by {decided.DecidedBy}.",
            $"Reason: {decided.DecisionReason}"), ApprovalDecidedActivity, $"{decided.Action} on case {decided.CaseId}", cancellationToken);

    /// <summary>A teammate asks the peer to take their shift: the peer accepts or declines from the card.</summary>
    private async Task SwapAskedAsync(string eventId, string json, CancellationToken cancellationToken)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var root = document.RootElement;
        var (teamId, periodId, data) = (root.GetProperty("teamId").GetString()!, root.GetProperty("periodId").GetString()!, root.GetProperty("data"));
        var swapId = data.GetProperty("swapId").GetString()!;
        var requester = data.GetProperty("requesterId").GetString()!;
        var peer = data.GetProperty("peerId").GetString()!;
        var shift = await schedule.ShiftAsync(teamId, periodId, data.GetProperty("requesterShiftId").GetGuid(), cancellationToken);
        var when = shift is null ? "a shift" : $"the shift of {shift.Start:ddd yyyy-MM-dd HH:mm}–{shift.End:HH:mm} ({shift.TimeZone}, {shift.Activity})";
        await delivery.ToAgentAsync(
            eventId, teamId, peer,
            new ChatReply("A shift swap is asked of you", [$"{requester} asks you to take {when}."], [new("Accept", ChatDispatcher.AcceptSwapVerb, swapId), new("Decline", ChatDispatcher.DeclineSwapVerb, swapId)]),
            SwapAskedActivity, $"a shift swap from {requester}", cancellationToken);
    }

    /// <summary>A swap or time off that coverage or a rule would not allow on its own: the team decides, from its channel.</summary>
    private async Task ScheduleDecisionNeededAsync(string eventId, string type, string json, CancellationToken cancellationToken)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var root = document.RootElement;
        var teamId = root.GetProperty("teamId").GetString()!;
        var data = root.GetProperty("data");
        var reasons = data.TryGetProperty("reasons", out var r) && r.ValueKind == System.Text.Json.JsonValueKind.Array
            ? [.. r.EnumerateArray().Select(v => v.TryGetProperty("message", out var m) ? m.GetString() : null).OfType<string>().Take(5)]
            : new List<string>();
        string requestId, asked, askedBy;
        if (type == "SwapReferredToTeam")
        {
            var swap = data.GetProperty("swap");
            requestId = swap.GetProperty("swapId").GetString()!;
            askedBy = swap.GetProperty("requesterId").GetString()!;
            asked = $"{askedBy} and {swap.GetProperty("peerId").GetString()} want to swap a shift.";
        }
        else
        {
            var request = data.GetProperty("request");
            requestId = request.GetProperty("requestId").GetString()!;
            askedBy = request.GetProperty("agentId").GetString()!;
            asked = $"{askedBy} asks for time off from {request.GetProperty("from").GetDateTime():yyyy-MM-dd HH:mm} until {request.GetProperty("until").GetDateTime():yyyy-MM-dd HH:mm}.";
        }

        var title = type == "SwapReferredToTeam" ? "Shift swap: the team decides" : "Time off: the team decides";
        await ToTeamAndLeadsAsync(eventId, teamId, askedBy, new ChatReply(
            title, [asked, .. reasons.Select(x => $"It would break: {x}"), "A team lead decides."], DecisionButtons(requestId)), title, cancellationToken);
    }

    private async Task ToPersonAsync(string eventId, CaseOffered offered, CancellationToken cancellationToken)
    {
        var topic = (await cases.GetAsync(offered.CaseId, cancellationToken))?.Value.State.Topic ?? offered.CaseId;
        await delivery.ToAgentAsync(
            eventId, offered.TeamId, offered.AgentId,
            new ChatReply("A case is offered to you", [$"{topic}", $"Case {offered.CaseId}; the offer expires at {offered.ExpiresAt:HH:mm} UTC."], [new ChatAction("Take", ChatDispatcher.TakeVerb, offered.CaseId)]),
            CaseOfferedActivity, topic, cancellationToken);
    }
}
