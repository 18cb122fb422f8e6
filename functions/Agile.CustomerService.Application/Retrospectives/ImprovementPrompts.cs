using Agile.CustomerService.Application.Cases;
using Agile.CustomerService.Application.Metrics;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Application.Teams;
using Agile.CustomerService.Domain.Metrics;
using Agile.CustomerService.Domain.Retrospectives;

namespace Agile.CustomerService.Application.Retrospectives;

public sealed record ComplaintPrompt(string Prompt, Complaint? Complaint, int ComplaintsThatDay);

public sealed record ProblemPrompt(string Prompt, string? Topic, int Complaints, int RepeatContacts, IReadOnlyList<string> Cases);

public sealed record CapabilityPrompt(string Prompt, string? Sprint, string? ItemId, string? Idea, int Votes);

/// <summary>The improvement rhythm of DOMAIN.md point 7 as today's prompts for a team.</summary>
public sealed record TeamPrompts(string TeamId, DateOnly Date, ComplaintPrompt Daily, ProblemPrompt Weekly, CapabilityPrompt Monthly);

/// <summary>
/// Every day one complaint from the day before to listen to; every week one customer-experience
/// problem (the topic with most complaints and repeat contacts in the last 7 days); every month one
/// capability (the most-voted idea of the last 30 days' retros that no action item took up yet).
/// </summary>
public sealed class ImprovementPromptService(FeedbackService feedback, DailyRollupProjection rollups, CaseService cases, RetroService retros)
{
    public async Task<TeamPrompts> ForAsync(string teamId, DateOnly date, CancellationToken cancellationToken) =>
        new(teamId, date, await DailyAsync(teamId, date, cancellationToken), await WeeklyAsync(teamId, date, cancellationToken), await MonthlyAsync(teamId, date, cancellationToken));

    private async Task<ComplaintPrompt> DailyAsync(string teamId, DateOnly date, CancellationToken cancellationToken)
    {
        var yesterday = await feedback.ComplaintsAsync(teamId, date.AddDays(-1), cancellationToken);
        if (yesterday.Count == 0)
        {
            return new ComplaintPrompt($"No complaint reached team {teamId} on {date.AddDays(-1):yyyy-MM-dd}: listen to a recent call instead.", null, 0);
        }

        // A different one each day when there are several, the same all day long.
        var pick = yesterday[(int)(Partitions.StableHash($"{teamId}:{date:yyyy-MM-dd}") % (uint)yesterday.Count)];
        return new ComplaintPrompt($"Listen to this complaint of {date.AddDays(-1):yyyy-MM-dd} together ({yesterday.Count} that day).", pick, yesterday.Count);
    }

    private async Task<ProblemPrompt> WeeklyAsync(string teamId, DateOnly date, CancellationToken cancellationToken)
    {
        var complaints = new Dictionary<string, int>(StringComparer.Ordinal);
        var repeats = new Dictionary<string, int>(StringComparer.Ordinal);
        var examples = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Count(Dictionary<string, int> counts, string topic, string subject)
        {
            var key = topic.Trim().ToLowerInvariant();
            counts[key] = counts.GetValueOrDefault(key) + 1;
            if (!examples.TryGetValue(key, out var list))
            {
                examples[key] = list = [];
            }

            if (list.Count < 10)
            {
                list.Add(subject);
            }
        }

        for (var day = date.AddDays(-7); day < date; day = day.AddDays(1))
        {
            foreach (var c in await feedback.ComplaintsAsync(teamId, day, cancellationToken))
            {
                Count(complaints, c.Topic, c.CaseId ?? c.Id);
            }

            foreach (var entry in (await rollups.ReadDrillAsync(teamId, day, cancellationToken)).Where(e => e.Fact == Facts.Repeat))
            {
                if ((await cases.GetAsync(entry.CaseId, cancellationToken))?.Value.State is { } c)
                {
                    Count(repeats, c.Topic, c.Id);
                }
            }
        }

        var top = examples.Keys
            .OrderByDescending(t => complaints.GetValueOrDefault(t) + repeats.GetValueOrDefault(t))
            .ThenBy(t => t, StringComparer.Ordinal)
            .FirstOrDefault();
        return top is null
            ? new ProblemPrompt("No complaints or repeat contacts in the last 7 days: pick a problem from the last retro's items.", null, 0, 0, [])
            : new ProblemPrompt($"Solve this week: \"{top}\" ({complaints.GetValueOrDefault(top)} complaints, {repeats.GetValueOrDefault(top)} repeat contacts in the last 7 days).",
                top, complaints.GetValueOrDefault(top), repeats.GetValueOrDefault(top), examples[top]);
    }

    private async Task<CapabilityPrompt> MonthlyAsync(string teamId, DateOnly date, CancellationToken cancellationToken)
    {
        var recent = (await retros.ListAsync(teamId, cancellationToken)).Where(r => r.To >= date.AddDays(-30) && r.From <= date).ToList();
        var taken = recent.SelectMany(r => r.Actions).Select(a => a.FromItemId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var idea = recent
            .SelectMany(r => r.Items.Where(i => i.Kind == RetroItemKind.Idea && !taken.Contains(i.Id)).Select(i => (Retro: r, Item: i)))
            .OrderByDescending(x => x.Item.Votes).ThenBy(x => x.Item.At)
            .FirstOrDefault();
        return idea.Item is null
            ? new CapabilityPrompt("No open idea from the last 30 days' retros: ask for one at the next retro.", null, null, null, 0)
            : new CapabilityPrompt($"Add this capability this month: \"{idea.Item.Text}\" ({idea.Item.Votes} votes, retro {idea.Retro.Sprint}).",
                idea.Retro.Sprint, idea.Item.Id, idea.Item.Text, idea.Item.Votes);
    }
}
