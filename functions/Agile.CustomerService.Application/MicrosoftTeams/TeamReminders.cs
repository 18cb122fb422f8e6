using Agile.CustomerService.Application.Admin;
using Agile.CustomerService.Application.Retrospectives;

namespace Agile.CustomerService.Application.MicrosoftTeams;

/// <summary>
/// The improvement rhythm (DOMAIN.md point 7) and the retro's action items, said in Teams once a
/// day (the <c>TeamReminders</c> timer function): to each team's channel, today's complaint to
/// listen to, on Mondays the week's customer-experience problem and on the 1st the month's
/// capability; to each owner of an action item due today, a reminder. Once per team, person and
/// day whatever the timer's schedule (<see cref="TeamsDelivery"/> with the day as the occasion).
/// </summary>
public sealed class TeamReminders(
    TeamsDelivery delivery, AdminService admin, ImprovementPromptService prompts, RetroService retros, TimeProvider time)
{
    /// <summary>Sends what is due today; returns how many messages went out.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        if (!delivery.Enabled)
        {
            return 0;
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var sent = 0;
        foreach (var team in await admin.TeamsAsync(cancellationToken))
        {
            sent += await delivery.ToTeamAsync($"prompt:{today:yyyy-MM-dd}", team.Id, async ct => Prompt(await prompts.ForAsync(team.Id, today, ct)), cancellationToken) ? 1 : 0;
            sent += await ActionItemsDueAsync(team.Id, today, cancellationToken);
        }

        return sent;
    }

    /// <summary>What the channel hears on a day: the daily prompt, plus the weekly one on Mondays and the monthly one on the 1st.</summary>
    public static ChatReply Prompt(TeamPrompts p)
    {
        var lines = new List<string> { p.Daily.Prompt };
        if (p.Daily.Complaint is { } complaint)
        {
            lines.Add($"\"{complaint.Text}\" ({complaint.Topic}{(complaint.CaseId is null ? "" : $", case {complaint.CaseId}")})");
        }

        if (p.Date.DayOfWeek == DayOfWeek.Monday)
        {
            lines.Add(p.Weekly.Prompt);
        }

        if (p.Date.Day == 1)
        {
            lines.Add(p.Monthly.Prompt);
        }

        return new ChatReply($"Improvement prompt for {p.Date:ddd yyyy-MM-dd}", lines, []);
    }

    private async Task<int> ActionItemsDueAsync(string teamId, DateOnly today, CancellationToken cancellationToken)
    {
        var due = (await retros.ListAsync(teamId, cancellationToken))
            .SelectMany(r => r.Actions.Where(a => a.DueDate == today).Select(a => (r.Sprint, Action: a)))
            .GroupBy(x => x.Action.OwnerId, StringComparer.Ordinal);
        var sent = 0;
        foreach (var owned in due)
        {
            var reply = new ChatReply("Due today: your retro action items", [.. owned.Select(x => $"{x.Action.Title} (retrospective {x.Sprint})")], []);
            sent += await delivery.ToAgentAsync(
                $"actions-due:{today:yyyy-MM-dd}", teamId, owned.Key, reply, TeamsNotifier.RetroReminderActivity, "your action items due today", cancellationToken) ? 1 : 0;
        }

        return sent;
    }
}
