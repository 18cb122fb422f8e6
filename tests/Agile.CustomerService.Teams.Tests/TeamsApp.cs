using Microsoft.Extensions.Configuration;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Agile.CustomerService.Host.Local;
using Agile.CustomerService.Host.MicrosoftTeams;
using Azure.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Agile.CustomerService.Teams.Tests;

/// <summary>A token credential that reaches nothing external: a fixed token per scope.</summary>
internal sealed class LocalTokenCredential : TokenCredential
{
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(requestContext.Scopes.Contains(TeamsCredential.GraphScope) ? FakeTeamsServer.GraphToken : FakeTeamsServer.BotToken, DateTimeOffset.UtcNow.AddHours(1));

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}

/// <summary>
/// The whole app over a fresh SQLite file with a small demo seed, fake time, the Teams
/// surface configured against a <see cref="FakeTeamsServer"/> on loopback.
/// </summary>
public sealed class TeamsApp : WebApplicationFactory<Program>
{
    public const string BotAppId = "9f0a2b7e-0000-4000-8000-00000000b07a";
    public const string Tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    public const string TeamA = "north-1";
    public const string TeamsThreadA = "19:north-1@thread.tacv2";

    public static string ThreadOf(string teamId) => $"19:{teamId}@thread.tacv2";
    public static readonly byte[] WebhookKey = Encoding.UTF8.GetBytes("a-dev-webhook-security-token-32b");
    public static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "acs-teams-tests", Guid.NewGuid().ToString("N"));
    private int _keys;

    public TeamsApp()
    {
        Client = CreateClient();
        // API calls of the tests act as an operator (admin, coach, contact source) with a development token.
        Settings = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Store:SqlitePath"] = Path.Combine(_directory, "test.db") })
            .Build();
        var operatorToken = Agile.CustomerService.Host.Security.DevelopmentTokenIssuer.ForStore(Settings)
            .Mint("test-operator", ["Admin", "Coach", "ContactSource"], TimeSpan.FromHours(2), DateTimeOffset.UtcNow);
        Client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", operatorToken);
        Services.GetRequiredService<FunctionInvoker>().Client = CreateClient();
    }

    public FakeTeamsServer Fake { get; } = new();

    public FakeTimeProvider Time { get; } = new(T0);

    public HttpClient Client { get; }

    /// <summary>Where the development signing key lives (for tokens of agents).</summary>
    public IConfiguration Settings { get; }

    public string ServiceUrl => Fake.BaseUrl + "/";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Store:SqlitePath", Path.Combine(_directory, "test.db"));
        builder.UseSetting("Seed:DemoCustomers", "200");
        builder.UseSetting("Pipeline:RunLocally", "false");
        builder.UseSetting("MicrosoftTeams:Bot:AppId", BotAppId);
        builder.UseSetting("MicrosoftTeams:Bot:OpenIdMetadataUrl", Fake.MetadataUrl);
        builder.UseSetting("MicrosoftTeams:Graph:BaseUrl", Fake.GraphUrl);
        builder.UseSetting("MicrosoftTeams:PublicBaseUrl", "https://acs.example.test");
        for (var n = 1; n <= 6; n++)
        {
            builder.UseSetting($"MicrosoftTeams:Teams:north-{n}:TeamsTeamId", ThreadOf($"north-{n}"));
        }

        builder.UseSetting($"MicrosoftTeams:Teams:{TeamA}:WebhookSecret", Convert.ToBase64String(WebhookKey));
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);
            services.RemoveAll<TeamsCredential>();
            services.AddSingleton(new TeamsCredential(new LocalTokenCredential()));
        });
    }

    public T Service<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public Task SettleAsync() => Service<LocalFunctionsHost>().RunUntilQuietAsync(CancellationToken.None);

    public string Token(string? serviceUrl = null) => BotTokens.Mint(Fake.SigningKey, Time.GetUtcNow(), serviceUrl: serviceUrl ?? ServiceUrl);

    public static string ObjectIdOf(string agentId) => new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(agentId)).AsSpan(0, 16)).ToString();

    public async Task LinkAsync(string agentId)
    {
        var response = await Client.PutAsJsonAsync($"/api/agents/{agentId}/identity", new { tenantId = Tenant, objectId = ObjectIdOf(agentId) });
        response.EnsureSuccessStatusCode();
    }

    public JsonObject Activity(string type, string? fromAgent, string conversationType = "personal", string? text = null, string conversationId = "a:personal-chat-1")
    {
        var activity = new JsonObject
        {
            ["type"] = type,
            ["id"] = "act-" + Interlocked.Increment(ref _keys),
            ["timestamp"] = Time.GetUtcNow().ToString("O"),
            ["serviceUrl"] = ServiceUrl,
            ["channelId"] = "msteams",
            ["from"] = new JsonObject { ["id"] = "29:user", ["name"] = fromAgent ?? "someone", ["aadObjectId"] = fromAgent is null ? Guid.NewGuid().ToString() : ObjectIdOf(fromAgent) },
            ["conversation"] = new JsonObject { ["id"] = conversationId, ["conversationType"] = conversationType, ["tenantId"] = Tenant },
            ["recipient"] = new JsonObject { ["id"] = "28:" + BotAppId, ["name"] = "Agile CS" },
            ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = Tenant } },
        };
        if (text is not null)
        {
            activity["text"] = text;
        }

        return activity;
    }

    public async Task<HttpResponseMessage> PostActivityAsync(JsonNode activity, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await Client.SendAsync(request);
    }

    /// <summary>The bot installed in one of our teams' Teams channel: the channel is remembered for that team.</summary>
    public async Task InstallInChannelAsync(string teamId)
    {
        var update = Activity("conversationUpdate", null, conversationType: "channel", conversationId: ThreadOf(teamId));
        update["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = Tenant }, ["team"] = new JsonObject { ["id"] = ThreadOf(teamId) } };
        Assert.Equal(System.Net.HttpStatusCode.OK, (await PostActivityAsync(update, Token())).StatusCode);
    }

    /// <summary>The bot installed by an agent (linked first): their chat is <c>a:chat-{agent}</c>.</summary>
    public async Task InstallPersonalAsync(string agent) =>
        Assert.Equal(System.Net.HttpStatusCode.OK, (await PostActivityAsync(Activity("conversationUpdate", agent, conversationId: "a:chat-" + agent), Token())).StatusCode);

    /// <summary>A POST with a fresh Idempotency-Key that must succeed; the answer's JSON.</summary>
    public async Task<JsonElement> PostOkAsync(string url, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        var response = await Client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await Json(response);
    }

    /// <summary>Clicks an Action.Execute button of a card as the agent: the invoke Teams sends, and the card it answers with.</summary>
    public async Task<JsonNodeCard> ClickAsync(string agent, string verb, string target)
    {
        var invoke = Activity("invoke", agent);
        invoke["name"] = "adaptiveCard/action";
        invoke["value"] = new JsonObject { ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = verb, ["data"] = new JsonObject { ["target"] = target } } };
        var response = await PostActivityAsync(invoke, Token());
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return new JsonNodeCard(JsonNode.Parse((await Json(response)).GetProperty("value").GetRawText())!);
    }

    public async Task<HttpResponseMessage> PostWebhookAsync(byte[] body, string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/teams-webhook") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return await Client.SendAsync(request);
    }

    public static string Hmac(byte[] body, byte[]? key = null) => "HMAC " + Convert.ToBase64String(HMACSHA256.HashData(key ?? WebhookKey, body));

    public async Task<string> IntakeAsync(string customerId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/contacts") { Content = JsonContent.Create(new { customerId, channel = "phone", topic = "billing question", tier = "simple" }) };
        request.Headers.Add("Idempotency-Key", "intake-" + Interlocked.Increment(ref _keys));
        var response = await Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await Json(response)).GetProperty("case").GetProperty("id").GetString()!;
    }

    public async Task<JsonElement> CaseAsync(string caseId) =>
        (await Json(await Client.GetAsync($"/api/cases/{caseId}"))).GetProperty("case");

    public static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>What the fake received so far (sends complete before the request that caused them answers).</summary>
    public IReadOnlyList<Received> Received() => [.. Fake.Requests];

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Client.Dispose();
            Fake.DisposeAsync().AsTask().GetAwaiter().GetResult();
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
