using System.Text.Json.Nodes;

namespace Agile.CustomerService.Teams.Tests;

/// <summary>Retrospective reminders in the team's channel and to action items' owners, and retro items added from the chat.</summary>
public sealed class RetroNotificationTests : IDisposable
{
    private const string Retros = "/api/teams/north-1/retros";
    private readonly TeamsApp _app = new();

    public void Dispose() => _app.Dispose();

    private async Task InstallAsync()
    {
        await _app.InstallInChannelAsync("north-1");
        await _app.LinkAsync("north-1-a04");
        await _app.InstallPersonalAsync("north-1-a04");
    }

    private JsonNode CardTo(string conversation, string title) =>
        Assert.Single(_app.Received(), r => r.Path.Contains(conversation, StringComparison.Ordinal) && r.Body.Contains(title, StringComparison.Ordinal))
            .Json["attachments"]![0]!["content"]!;

    private static string[] Lines(JsonNode card) => [.. card["body"]!.AsArray().Select(b => b!["text"]!.GetValue<string>())];

    [Fact]
    public async Task Close_PostsTheActionItemsToTheChannelAndRemindsEachOwner_ThenTheNextRetroOpensWithThemToReview()
    {
        await InstallAsync();
        await _app.PostOkAsync(Retros, new { sprint = "s1", from = "2026-11-09", to = "2026-11-22", by = "coach-1" });
        await _app.PostOkAsync($"{Retros}/s1/actions", new { title = "Write the moving-house FAQ", ownerId = "north-1-a04", dueDate = "2026-12-04" });

        await _app.PostOkAsync($"{Retros}/s1/close", new { by = "coach-1" });
        await _app.SettleAsync();
        await _app.PostOkAsync(Retros, new { sprint = "s2", from = "2026-11-23", to = "2026-12-06", by = "coach-1" });
        await _app.SettleAsync();

        var opened = Lines(CardTo(TeamsApp.ThreadOf("north-1"), "Retrospective s1 is open"));
        Assert.Contains("add what went well", opened[1], StringComparison.Ordinal);
        var closed = Lines(CardTo(TeamsApp.ThreadOf("north-1"), "Retrospective s1 is closed"));
        Assert.Equal(["Retrospective s1 is closed: 1 action items", "Write the moving-house FAQ: north-1-a04, due 2026-12-04"], closed);
        var reminder = Lines(CardTo("chat-north-1-a04", "Your action items"));
        Assert.Equal("Write the moving-house FAQ, due 2026-12-04", reminder[1]);
        var next = Lines(CardTo(TeamsApp.ThreadOf("north-1"), "Retrospective s2 is open"));
        Assert.Equal("First we review the 1 action items of sprint s1:", next[2]);
        Assert.Equal("Write the moving-house FAQ (north-1-a04, due 2026-12-04)", next[3]);
    }

    [Fact]
    public async Task RetroCommand_AddsTheItemToTheOpenRetro_AnonymouslyWhenAsked_AndOnceWhenRepeated()
    {
        await InstallAsync();
        await _app.PostOkAsync(Retros, new { sprint = "s1", from = "2026-11-09", to = "2026-11-22", by = "coach-1" });

        for (var i = 0; i < 2; i++)
        {
            await _app.PostActivityAsync(_app.Activity("message", "north-1-a04", text: "retro improve anonymously too many transfers"), _app.Token());
        }

        var reply = _app.Received()[^1].Json["attachments"]![0]!["content"]!;
        Assert.Equal("Added to retrospective s1 without your name: too many transfers", Lines(reply)[1]);
        var retro = await TeamsApp.Json(await _app.Client.GetAsync($"{Retros}/s1"));
        var item = Assert.Single(retro.GetProperty("items").EnumerateArray());
        Assert.Equal("toImprove", item.GetProperty("kind").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, item.GetProperty("authorId").ValueKind);
    }

    [Fact]
    public async Task RetroCommand_NoOpenRetro_IsRefusedWithTheReason()
    {
        await InstallAsync();

        await _app.PostActivityAsync(_app.Activity("message", "north-1-a04", text: "retro idea more pairing"), _app.Token());

        var reply = _app.Received()[^1].Json["attachments"]![0]!["content"]!;
        Assert.Equal("Attention", reply["body"]![0]!["color"]!.GetValue<string>());
        Assert.Contains("team north-1 has no open retrospective", Lines(reply)[1], StringComparison.Ordinal);
    }
}
