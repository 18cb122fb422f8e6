using Agile.CustomerService.Application.Cases;
using Agile.CustomerService.Application.Pipeline;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Domain.Cases;
using Microsoft.Extensions.Logging;

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
/// The <c>TeamsNotifications</c> subscriber: turns case events into proactive messages. To a
/// team's channel: spill-over asked (owning and helper team), spill-over taken, SLA at risk (a
/// case waits with nobody free). To a person: a case offered to them, with a Take button; by
/// activity feed when the bot has no conversation with them. Idempotent per event and
/// recipient (a sent marker), so a redelivered event sends nothing twice; a crash between the
/// send and the marker can repeat one message, which at-least-once delivery allows.
/// </summary>
public sealed class TeamsNotifier(TeamsDirectory directory, CaseService cases, ITeamsMessenger messenger, ILogger<TeamsNotifier> logger) : IChangeSubscriber
{
    public const string CaseOfferedActivity = "caseOffered";

    public string Name => "teams";

    private static readonly HashSet<string> Notified = new(StringComparer.Ordinal)
    {
        nameof(CaseOffered), nameof(CaseSpilledOver), nameof(OfferAccepted), nameof(CaseQueued),
    };

    public async Task HandleAsync(ChangeRecord change, CancellationToken cancellationToken)
    {
        if (!messenger.Enabled)
        {
            return;
        }

        if (change.Event.Type == "ApprovalRequested")
        {
            var request = Json.Read<Authority.CustomerAction>(change.Event.Json);
            await ToTeamAsync(change.Event.EventId, request.TeamId, ChatReply.Text(
                "Approval needed",
                $"{request.AgentId} asks for a {request.Action} of {request.Amount} {request.Unit} on case {request.CaseId}: beyond their limit of {request.Limit} {request.Unit}.",
                $"Reason: {request.Reason}",
                $"A team lead decides: POST /api/teams/{request.TeamId}/customer-actions/{request.Id}/decision"), cancellationToken);
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
                await ToTeamAsync(id, spilled.FromTeamId, ChatReply.Text("Spill-over asked", $"Case {e.CaseId} goes to team {spilled.ToTeamId} for help; your team stays accountable.", $"Reason: {spilled.Reason}"), cancellationToken);
                await ToTeamAsync(id, spilled.ToTeamId, ChatReply.Text("Spill-over: your help is asked", $"Team {spilled.FromTeamId} asks your team to help with case {e.CaseId}.", $"Reason: {spilled.Reason}"), cancellationToken);
                break;
            case OfferAccepted accepted:
                if ((await cases.GetAsync(e.CaseId, cancellationToken))?.Value.State is { } c && c.HandlingTeamId != c.OwningTeamId)
                {
                    await ToTeamAsync(id, c.OwningTeamId, ChatReply.Text("Spill-over taken", $"{accepted.AgentId} of team {c.HandlingTeamId} took case {c.Id} ({c.Topic})."), cancellationToken);
                }

                break;
            case CaseQueued queued:
                await ToTeamAsync(id, queued.TeamId, ChatReply.Text("SLA at risk", $"Case {e.CaseId} waits: nobody in the team is free.", $"It spills over to another team at {queued.SpillAt:yyyy-MM-dd HH:mm} UTC unless someone takes it."), cancellationToken);
                break;
        }
    }

    private async Task ToTeamAsync(string eventId, string teamId, ChatReply reply, CancellationToken cancellationToken)
    {
        var recipient = $"team:{teamId}";
        var partition = Partitions.Team(teamId);
        if (await directory.WasSentAsync(partition, eventId, recipient, cancellationToken))
        {
            return;
        }

        if (await directory.TeamConversationAsync(teamId, cancellationToken) is not { } conversation)
        {
            logger.LogDebug("No Teams channel for team {Team}; {Event} not sent", teamId, eventId);
            return;
        }

        var delivery = await messenger.SendAsync(conversation, reply, cancellationToken);
        await MarkAsync(partition, eventId, recipient, delivery, cancellationToken);
    }

    private async Task ToPersonAsync(string eventId, CaseOffered offered, CancellationToken cancellationToken)
    {
        var recipient = $"agent:{offered.AgentId}";
        var partition = Partitions.Team(offered.TeamId);
        if (await directory.WasSentAsync(partition, eventId, recipient, cancellationToken)
            || await directory.IdentityOfAgentAsync(offered.AgentId, cancellationToken) is not { } person)
        {
            return;
        }

        var topic = (await cases.GetAsync(offered.CaseId, cancellationToken))?.Value.State.Topic ?? offered.CaseId;
        var delivery = await directory.UserConversationAsync(person.TenantId, person.ObjectId, cancellationToken) is { } conversation
            ? await messenger.SendAsync(
                conversation,
                new ChatReply("A case is offered to you", [$"{topic}", $"Case {offered.CaseId}; the offer expires at {offered.ExpiresAt:HH:mm} UTC."], [new ChatAction("Take", ChatDispatcher.TakeVerb, offered.CaseId)]),
                cancellationToken)
            : await messenger.NotifyFeedAsync(person, CaseOfferedActivity, $"A case is offered to you: {topic}", topic, cancellationToken);
        await MarkAsync(partition, eventId, recipient, delivery, cancellationToken);
    }

    private async Task MarkAsync(string partition, string eventId, string recipient, Delivery delivery, CancellationToken cancellationToken)
    {
        if (delivery == Delivery.Undeliverable)
        {
            logger.LogWarning("Teams refused {Event} for {Recipient} for good; not retried", eventId, recipient);
        }

        await directory.MarkSentAsync(partition, eventId, recipient, cancellationToken);
    }
}
