using System.Text.Json.Nodes;
using Agile.CustomerService.Application.MicrosoftTeams;
using Agile.CustomerService.Application.Retrospectives;

namespace Agile.CustomerService.Teams.Tests;

/// <summary>The daily TeamReminders function: the improvement prompt in each team's channel, action items due to their owners.</summary>
public sealed class TeamRemindersTests : IDisposable
{
    private readonly TeamsApp _app = new();

    public void Dispose() => _app.Dispose();

    private static string[] Lines(JsonNode card) => [.. card["body"]!.AsArray().Select(b => b!["text"]!.GetValue<string>())];

    [Fact]
    public async Task NextDay_TheChannelHearsYesterdaysComplaintOnce()
    {
        await _app.InstallInChannelAsync("north-1");
        await _app.PostOkAsync("/api/complaints", new { customerId = "cust-00005", topic = "billing", text = "Charged twice for November" });
        _app.Time.Advance(TimeSpan.FromDays(1));
        var reminders = _app.Service<TeamReminders>();

        var first = await reminders.RunAsync(CancellationToken.None);
        var second = await reminders.RunAsync(CancellationToken.None);

        Assert.True(first >= 1);
        Assert.Equal(0, second);
        var card = Assert.Single(_app.Received(), r => r.Path.Contains(TeamsApp.ThreadOf("north-1"), StringComparison.Ordinal)).Json["attachments"]![0]!["content"]!;
        var lines = Lines(card);
        Assert.Equal("Improvement prompt for Wed 2026-11-25", lines[0]);
        Assert.StartsWith("Listen to this complaint of 2026-11-24 together", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("\"Charged twice for November\" (billing", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ActionItemDueToday_ItsOwnerIsRemindedInTheirChat()
    {
        await _app.InstallInChannelAsync("north-1");
        await _app.LinkAsync("north-1-a04");
        await _app.InstallPersonalAsync("north-1-a04");
        await _app.PostOkAsync("/api/teams/north-1/retros", new { sprint = "s1", from = "2026-11-09", to = "2026-11-22", by = "coach-1" });
        await _app.PostOkAsync("/api/teams/north-1/retros/s1/actions", new { title = "Write the moving-house FAQ", ownerId = "north-1-a04", dueDate = "2026-11-26" });
        var reminders = _app.Service<TeamReminders>();

        await reminders.RunAsync(CancellationToken.None);
        Assert.DoesNotContain(_app.Received(), r => r.Path.Contains("chat-north-1-a04", StringComparison.Ordinal));
        _app.Time.Advance(TimeSpan.FromDays(2));
        await reminders.RunAsync(CancellationToken.None);
        await reminders.RunAsync(CancellationToken.None);

        var reminder = Assert.Single(_app.Received(), r => r.Path.Contains("chat-north-1-a04", StringComparison.Ordinal)).Json["attachments"]![0]!["content"]!;
        Assert.Equal(["Due today: your retro action items", "Write the moving-house FAQ (retrospective s1)"], Lines(reminder));
    }

    [Theory]
    [InlineData("2026-11-25", false, false)]
    [InlineData("2026-11-30", true, false)]
    [InlineData("2026-12-01", false, true)]
    public void Prompt_AddsTheWeeklyOnMondaysAndTheMonthlyOnTheFirst(string day, bool weekly, bool monthly)
    {
        var date = DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture);
        var prompts = new TeamPrompts(
            "north-1", date,
            new ComplaintPrompt("daily", null, 0),
            new ProblemPrompt("weekly", null, 0, 0, []),
            new CapabilityPrompt("monthly", null, null, null, 0));

        var lines = TeamReminders.Prompt(prompts).Lines;

        Assert.Equal("daily", lines[0]);
        Assert.Equal(weekly, lines.Contains("weekly"));
        Assert.Equal(monthly, lines.Contains("monthly"));
    }
}
