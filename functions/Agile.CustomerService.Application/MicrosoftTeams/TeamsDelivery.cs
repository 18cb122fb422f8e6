using Agile.CustomerService.Application.Storage;
using Microsoft.Extensions.Logging;

namespace Agile.CustomerService.Application.MicrosoftTeams;

/// <summary>
/// Sends a card to a team's channel or to a person at most once per occasion (an event id, or a
/// day's marker) and recipient: a sent marker in the team's partition is checked before and written
/// after the send. A crash between the two can repeat one message, which at-least-once allows.
/// Used by the event-driven <see cref="TeamsNotifier"/> and the daily <see cref="TeamReminders"/>.
/// </summary>
public sealed class TeamsDelivery(TeamsDirectory directory, ITeamsMessenger messenger, ILogger<TeamsDelivery> logger)
{
    public bool Enabled => messenger.Enabled;

    public Task<bool> ToTeamAsync(string occasion, string teamId, ChatReply reply, CancellationToken cancellationToken) =>
        ToTeamAsync(occasion, teamId, _ => Task.FromResult(reply), cancellationToken);

    /// <summary>To the team's channel; the card is only built when it is to be sent. False when sent before or the team has no channel.</summary>
    public async Task<bool> ToTeamAsync(string occasion, string teamId, Func<CancellationToken, Task<ChatReply>> reply, CancellationToken cancellationToken)
    {
        var recipient = $"team:{teamId}";
        var partition = Partitions.Team(teamId);
        if (await directory.WasSentAsync(partition, occasion, recipient, cancellationToken))
        {
            return false;
        }

        if (await directory.TeamConversationAsync(teamId, cancellationToken) is not { } conversation)
        {
            logger.LogDebug("No Teams channel for team {Team}; {Occasion} not sent", teamId, occasion);
            return false;
        }

        var delivery = await messenger.SendAsync(conversation, await reply(cancellationToken), cancellationToken);
        await MarkAsync(partition, occasion, recipient, delivery, cancellationToken);
        return true;
    }

    /// <summary>
    /// To a person: their chat with the bot, else an activity-feed notification (its preview is the
    /// card's title and first line). False when sent before or the agent is not linked to a Teams user.
    /// </summary>
    public async Task<bool> ToAgentAsync(string occasion, string teamId, string agentId, ChatReply reply, string activityType, string topic, CancellationToken cancellationToken)
    {
        var recipient = $"agent:{agentId}";
        var partition = Partitions.Team(teamId);
        if (await directory.WasSentAsync(partition, occasion, recipient, cancellationToken)
            || await directory.IdentityOfAgentAsync(agentId, cancellationToken) is not { } person)
        {
            return false;
        }

        var preview = reply.Lines.Count > 0 ? $"{reply.Title}: {reply.Lines[0]}" : reply.Title;
        var delivery = await directory.UserConversationAsync(person.TenantId, person.ObjectId, cancellationToken) is { } conversation
            ? await messenger.SendAsync(conversation, reply, cancellationToken)
            : await messenger.NotifyFeedAsync(person, activityType, preview, topic, cancellationToken);
        await MarkAsync(partition, occasion, recipient, delivery, cancellationToken);
        return true;
    }

    private async Task MarkAsync(string partition, string occasion, string recipient, Delivery delivery, CancellationToken cancellationToken)
    {
        if (delivery == Delivery.Undeliverable)
        {
            logger.LogWarning("Teams refused {Occasion} for {Recipient} for good; not retried", occasion, recipient);
        }

        await directory.MarkSentAsync(partition, occasion, recipient, cancellationToken);
    }
}
