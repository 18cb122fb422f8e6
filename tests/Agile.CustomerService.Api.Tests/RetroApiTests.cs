using System.Net;
using System.Text.Json;

namespace Agile.CustomerService.Api.Tests;

/// <summary>A team's retro from open to close, the review of the previous retro's actions, and the improvement prompts.</summary>
public class RetroApiTests : AppTests
{
    private const string Retros = "/api/teams/north-1/retros";
    public RetroApiTests()
        : base(new TestApp())
    {
    }

    /// <param name="app">The app the tests run against (another store: <see cref="CosmosRetroApiTests"/>).</param>
    protected RetroApiTests(TestApp app)
        : base(app)
    {
    }

    [Fact]
    public async Task Open_SnapshotsMetricsAgainstThePreviousWindow()
    {
        var retro = await OpenAsync("s1", "2026-11-11", "2026-11-24");

        var metrics = retro.GetProperty("metrics");
        Assert.Equal("2026-10-28", metrics.Str("previousFrom"));
        Assert.Equal("2026-11-10", metrics.Str("previousTo"));
        Assert.True(metrics.GetProperty("current").TryGetProperty("firstContactResolution", out _));
        Assert.Equal("open", retro.Str("status"));
    }

    [Fact]
    public async Task Open_SameSprintTwice_Is409()
    {
        await OpenAsync("s1", "2026-11-11", "2026-11-24");

        var again = await App.PostAsync(Retros, new { sprint = "s1", from = "2026-11-11", to = "2026-11-24", by = "coach-1" });

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Item_Anonymous_KeepsNoAuthor()
    {
        await OpenAsync("s1", "2026-11-11", "2026-11-24");

        var retro = await PostOkAsync($"{Retros}/s1/items", new { kind = "toImprove", text = "Too many transfers", authorId = "north-1-a01", anonymous = true });

        var item = retro.GetProperty("items")[0];
        Assert.Equal(JsonValueKind.Null, item.GetProperty("authorId").ValueKind);
        Assert.Equal("toImprove", item.Str("kind"));
    }

    [Fact]
    public async Task Vote_SameMemberTwice_CountsOnce()
    {
        await OpenAsync("s1", "2026-11-11", "2026-11-24");
        var itemId = (await PostOkAsync($"{Retros}/s1/items", new { kind = "idea", text = "Call back before the bill", authorId = "north-1-a01" })).GetProperty("items")[0].Str("id");
        await PostOkAsync($"{Retros}/s1/items/{itemId}/votes", new { memberId = "north-1-a02" });
        await PostOkAsync($"{Retros}/s1/items/{itemId}/votes", new { memberId = "north-1-a03" });

        var retro = await PostOkAsync($"{Retros}/s1/items/{itemId}/votes", new { memberId = "north-1-a02" });

        Assert.Equal(2, retro.GetProperty("items")[0].GetProperty("votes").GetInt32());
    }

    [Fact]
    public async Task NextRetro_StartsWithThePreviousActionsToReview_AndClosesOnlyAfterReview()
    {
        await OpenAsync("s1", "2026-11-01", "2026-11-14");
        var action = (await PostOkAsync($"{Retros}/s1/actions", new { title = "Write the meter FAQ", ownerId = "north-1-a04", dueDate = "2026-12-01" })).GetProperty("actions")[0].Str("id");
        await PostOkAsync($"{Retros}/s1/close", new { by = "coach-1" });

        var next = await OpenAsync("s2", "2026-11-15", "2026-11-28");
        var early = await App.PostAsync($"{Retros}/s2/close", new { by = "coach-1" });
        var reviewed = await PostOkAsync($"{Retros}/s2/review", new { actionId = action, outcome = "carriedOver", note = "half done" });
        var closed = await PostOkAsync($"{Retros}/s2/close", new { by = "coach-1" });

        Assert.Equal("2026-11-01", next.GetProperty("metrics").Str("previousFrom"));
        Assert.Equal(action, next.GetProperty("review")[0].GetProperty("action").Str("id"));
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Equal("s1", reviewed.GetProperty("actions")[0].Str("carriedFromSprint"));
        Assert.Equal("closed", closed.Str("status"));
    }

    [Fact]
    public async Task ClosedRetro_RejectsItems()
    {
        await OpenAsync("s1", "2026-11-11", "2026-11-24");
        await PostOkAsync($"{Retros}/s1/close", new { by = "coach-1" });

        var response = await App.PostAsync($"{Retros}/s1/items", new { kind = "wentWell", text = "late", authorId = "north-1-a01" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task Item_SameIdempotencyKey_AddsOnce()
    {
        await OpenAsync("s1", "2026-11-11", "2026-11-24");

        var first = await App.PostAsync($"{Retros}/s1/items", new { kind = "wentWell", text = "Fewer hand-offs", authorId = "north-1-a01" }, key: "item-1");
        var second = await App.PostAsync($"{Retros}/s1/items", new { kind = "wentWell", text = "Fewer hand-offs", authorId = "north-1-a01" }, key: "item-1");

        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(1, (await TestApp.Json(await App.Client.GetAsync($"{Retros}/s1"))).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Prompts_ComplaintOfYesterdayIdeaAndTopic()
    {
        await OpenAsync("s1", "2026-11-11", "2026-11-24");
        var idea = (await PostOkAsync($"{Retros}/s1/items", new { kind = "idea", text = "Self-service meter readings", authorId = "north-1-a01" })).GetProperty("items")[0].Str("id");
        await PostOkAsync($"{Retros}/s1/items/{idea}/votes", new { memberId = "north-1-a05" });
        Assert.Equal(HttpStatusCode.Created, (await App.PostAsync("/api/complaints", new { customerId = "cust-00005", topic = "Meter reading", text = "Estimated again" })).StatusCode);

        var prompts = await TestApp.Json(await App.Client.GetAsync("/api/teams/north-1/prompts?date=2026-11-25"));

        Assert.Equal("Estimated again", prompts.GetProperty("daily").GetProperty("complaint").Str("text"));
        Assert.Equal("meter reading", prompts.GetProperty("weekly").Str("topic"));
        Assert.Equal("Self-service meter readings", prompts.GetProperty("monthly").Str("idea"));
        Assert.Equal(1, prompts.GetProperty("monthly").GetProperty("votes").GetInt32());
    }

    [Fact]
    public async Task Prompts_NothingToGoOn_SaysSo()
    {
        var prompts = await TestApp.Json(await App.Client.GetAsync("/api/teams/north-2/prompts"));

        Assert.Equal(JsonValueKind.Null, prompts.GetProperty("daily").GetProperty("complaint").ValueKind);
        Assert.Contains("No complaint", prompts.GetProperty("daily").Str("prompt"));
    }

    public static TheoryData<string, string, int> BadInput => new()
    {
        { Retros, "{\"sprint\":\"s9\",\"from\":\"2026-11-11\",\"to\":\"2026-11-01\",\"by\":\"coach-1\"}", 400 },
        { Retros, "{\"sprint\":\"s9\",\"from\":\"2026-01-01\",\"to\":\"2026-11-01\",\"by\":\"coach-1\"}", 400 },
        { Retros, "{\"sprint\":\"s 9\",\"from\":\"2026-11-11\",\"to\":\"2026-11-24\",\"by\":\"coach-1\"}", 400 },
        { Retros, "{\"sprint\":\"s9\",\"from\":\"11/11/2026\",\"to\":\"2026-11-24\",\"by\":\"coach-1\"}", 400 },
        { Retros, "{\"sprint\":\"s0\",\"from\":\"2026-11-20\",\"to\":\"2026-11-30\",\"by\":\"coach-1\"}", 409 },
        { "/api/teams/south-9/retros", "{\"sprint\":\"s9\",\"from\":\"2026-11-11\",\"to\":\"2026-11-24\",\"by\":\"coach-1\"}", 404 },
        { Retros + "/s1/items", "{\"kind\":\"rant\",\"text\":\"x\",\"authorId\":\"north-1-a01\"}", 400 },
        { Retros + "/s1/items", "{\"kind\":\"idea\",\"authorId\":\"north-1-a01\"}", 400 },
        { Retros + "/s1/items", "{\"kind\":\"idea\",\"text\":\"x\",\"authorId\":\"north-2-a01\"}", 403 },
        { Retros + "/s404/items", "{\"kind\":\"idea\",\"text\":\"x\",\"authorId\":\"north-1-a01\"}", 404 },
        { Retros + "/s1/items/item-nope/votes", "{\"memberId\":\"north-1-a01\"}", 404 },
        { Retros + "/s1/actions", "{\"title\":\"x\",\"ownerId\":\"north-1-a01\",\"dueDate\":\"soon\"}", 400 },
        { Retros + "/s1/actions", "{\"title\":\"x\",\"ownerId\":\"north-1-a01\",\"dueDate\":\"2020-01-01\"}", 409 },
        { Retros + "/s1/review", "{\"actionId\":\"action-x\",\"outcome\":\"forgotten\"}", 400 },
        { Retros + "/s1/review", "{\"actionId\":\"action-x\",\"outcome\":\"done\"}", 404 },
        { Retros + "/s1/close", "{}", 400 },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Retro_BadInput_ProblemDetailsAndNothingWritten(string url, string body, int status)
    {
        await OpenAsync("s1", "2026-11-11", "2026-11-24");
        var before = App.Fingerprint();

        var response = await App.SendRawAsync(HttpMethod.Post, url, body, ("Idempotency-Key", "bad-retro"));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, App.Fingerprint());
    }

    private async Task<JsonElement> OpenAsync(string sprint, string from, string to)
    {
        var response = await App.PostAsync(Retros, new { sprint, from, to, by = "coach-1" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await TestApp.Json(response);
    }

    private async Task<JsonElement> PostOkAsync(string url, object body)
    {
        var response = await App.PostAsync(url, body);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await TestApp.Json(response);
    }
}
