using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Agile.CustomerService.Host.Local;
using Agile.CustomerService.Host.Security;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Agile.CustomerService.Application.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Agile.CustomerService.Api.Tests;

/// <summary>
/// The whole app in memory over a fresh SQLite file, with a small demo seed (200 customers),
/// fake time, and no background runner: tests deliver the change log and sweep timers
/// themselves, so every step is deterministic.
/// </summary>
public sealed class TestApp : WebApplicationFactory<Program>
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "acs-tests", Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string?> _settings;
    private int _keys;
    private bool _storeRemoved;

    private readonly Action<IServiceCollection>? _configure;

    public TestApp(params (string Key, string Value)[] settings)
        : this(null, settings)
    {
    }

    public TestApp(Action<IServiceCollection>? configure, params (string Key, string Value)[] settings)
    {
        _configure = configure;
        _settings = settings.ToDictionary(s => s.Key, s => (string?)s.Value);
        Client = CreateClient();
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For("test-operator", TestTokens.Operator));
        Service<FunctionInvoker>().Client = CreateClient();
    }

    /// <summary>
    /// The same app on the Cosmos DB adapter, against the local server (COSMOS_ENDPOINT, started by
    /// test.sh), in a container of its own that is deleted with the app; seeded as on SQLite.
    /// </summary>
    public static TestApp OnCosmos(params (string Key, string Value)[] settings) =>
        new([
            ("Store:Provider", "cosmos"),
            ("Cosmos:AccountEndpoint", Environment.GetEnvironmentVariable("COSMOS_ENDPOINT") is { Length: > 0 } endpoint ? endpoint : "https://127.0.0.1:8081/"),
            ("Cosmos:Database", "agilecs-api-tests"),
            ("Cosmos:Container", $"state-{Guid.NewGuid():N}"),
            ("Cosmos:UseEmulatorKey", "true"),
            ("Seed:Demo", "true"),
            .. settings,
        ]);

    public FakeTimeProvider Time { get; } = new(T0);

    public HttpClient Client { get; }

    public string DatabasePath => Path.Combine(_directory, "test.db");

    public string BlobsPath => Path.Combine(_directory, "blobs");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Store:SqlitePath", DatabasePath);
        builder.UseSetting("Seed:DemoCustomers", "200");
        builder.UseSetting("Pipeline:RunLocally", "false");
        builder.UseSetting("Auth:TenantId", TestTokens.TenantId);
        builder.UseSetting("Auth:ClientId", TestTokens.ClientId);
        builder.UseSetting("Blobs:LocalPath", BlobsPath);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);
            // The tests' own signing key instead of the tenant's OpenID metadata (nothing is fetched).
            services.PostConfigure<JwtBearerOptions>(AuthSetup.EntraScheme, o =>
            {
                var configuration = new OpenIdConnectConfiguration { Issuer = TestTokens.Issuer };
                configuration.SigningKeys.Add(TestTokens.Key);
                o.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration);
            });
            _configure?.Invoke(services);
        });
    }

    public T Service<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Plays the Functions host: delivers change feed, queue messages and timer ticks until quiet.</summary>
    public Task SettleAsync() => Service<LocalFunctionsHost>().RunUntilQuietAsync(CancellationToken.None);

    public async Task AdvanceAsync(TimeSpan by)
    {
        Time.Advance(by);
        await SettleAsync();
    }

    public string NextKey() => $"key-{Interlocked.Increment(ref _keys)}";

    /// <summary>
    /// Posts as the agent the body names (agentId, by, authorId, memberId, requesterId; with the
    /// Agent and TeamLead roles), since agents act for themselves;
    /// otherwise as the operator (admin, coach and contact source). <paramref name="token"/> overrides.
    /// </summary>
    public async Task<HttpResponseMessage> PostAsync(string url, object body, string? ifMatch = null, string? key = null, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key ?? NextKey());
        if ((token ?? TokenForActor(body)) is { } bearer)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await Client.SendAsync(request);
    }

    private static JsonElement? TryParse(string body)
    {
        try
        {
            return JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static readonly string[] ActorFields = ["agentId", "by", "authorId", "memberId", "requesterId"];

    private static string? TokenForActor(object body)
    {
        var json = JsonSerializer.SerializeToElement(body, JsonSerializerOptions.Web);
        foreach (var name in ActorFields)
        {
            if (json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var actor) && actor.ValueKind == JsonValueKind.String
                && actor.GetString() is { } agent && agent.Contains("-a", StringComparison.Ordinal))
            {
                // Agents of the demo act as team leads too, so decisions in tests need no extra token.
                return TestTokens.For(agent, "Agent", "TeamLead");
            }
        }

        return null;
    }

    /// <summary>A client that sends the given bearer token (or none).</summary>
    public HttpClient ClientWith(string? token)
    {
        var client = CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string url, string body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, url) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (request.Headers.Authorization is null && TryParse(body) is { } json && TokenForActor(json) is { } bearer)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await Client.SendAsync(request);
    }

    public async Task<HttpResponseMessage> PutAsync(string url, object body) => await Client.PutAsJsonAsync(url, body);

    /// <summary>Opens a case for a customer and returns its id.</summary>
    public async Task<JsonElement> IntakeAsync(string customerId, string tier = "simple", string? skill = null, string? key = null)
    {
        var response = await PostAsync("/api/contacts", new { customerId, channel = "phone", topic = "billing question", tier, requiredSkill = skill, selfServiceAnswer = tier == "selfService" ? "See the FAQ" : null }, key: key);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await Json(response)).GetProperty("case");
    }

    public async Task<(JsonElement Case, string ETag)> CaseAsync(string caseId)
    {
        var response = await Client.GetAsync($"/api/cases/{caseId}");
        response.EnsureSuccessStatusCode();
        return ((await Json(response)).GetProperty("case"), response.Headers.ETag!.Tag);
    }

    public async Task<HttpResponseMessage> ActAsync(string caseId, string action, object body)
    {
        var (_, etag) = await CaseAsync(caseId);
        return await PostAsync($"/api/cases/{caseId}/{action}", body, etag);
    }

    public async Task<JsonElement> BoardAsync(string teamId, string view = "open")
    {
        var response = await Client.GetAsync($"/api/teams/{teamId}/board?view={view}");
        response.EnsureSuccessStatusCode();
        return await Json(response);
    }

    public async Task SetTeamAvailabilityAsync(string teamId, bool available)
    {
        for (var a = 1; a <= 10; a++)
        {
            var response = await PutAsync($"/api/teams/{teamId}/agents/{teamId}-a{a:D2}/availability", new { available });
            response.EnsureSuccessStatusCode();
        }
    }

    public static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>Everything stored, summarised: any write changes it.</summary>
    /// <summary>
    /// What the store holds, to compare before and after a request that must write nothing: on SQLite
    /// the documents, the sum of their versions and the events; on Cosmos DB the items (events are
    /// items there) and a sum over their ids and ETags, which changes with every write.
    /// </summary>
    public (long Documents, long Versions, long Events) Fingerprint()
    {
        if (Services.GetService<IStateStore>() is Agile.CustomerService.Storage.Cosmos.CosmosStateStore cosmos)
        {
            return CosmosFingerprint(cosmos.Container);
        }

        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT count(*) FROM documents), (SELECT coalesce(sum(version), 0) FROM documents), (SELECT count(*) FROM outbox)";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    public override async ValueTask DisposeAsync()
    {
        await RemoveCosmosContainerAsync();
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Deletes the app's Cosmos DB container, once, while the app's services are still there: the
    /// factory disposes them before it calls <see cref="Dispose(bool)"/> (from DisposeAsync, and
    /// again at the end of Dispose).
    /// </summary>
    private async ValueTask RemoveCosmosContainerAsync()
    {
        if (_storeRemoved)
        {
            return;
        }

        _storeRemoved = true;
        if (Services.GetService<IStateStore>() is Agile.CustomerService.Storage.Cosmos.CosmosStateStore cosmos)
        {
            (await cosmos.Container.DeleteContainerStreamAsync()).Dispose();
        }
    }

    private static (long Documents, long Versions, long Events) CosmosFingerprint(Microsoft.Azure.Cosmos.Container container)
    {
        long items = 0, versions = 0;
        using var pages = container.GetItemQueryStreamIterator("SELECT c.id, c._etag FROM c");
        while (pages.HasMoreResults)
        {
            using var page = pages.ReadNextAsync().GetAwaiter().GetResult();
            page.EnsureSuccessStatusCode();
            using var body = JsonDocument.Parse(page.Content);
            foreach (var item in body.RootElement.GetProperty("Documents").EnumerateArray())
            {
                items++;
                var text = item.GetProperty("id").GetString() + "\n" + item.GetProperty("_etag").GetString();
                versions += BitConverter.ToInt64(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0) & long.MaxValue;
            }
        }

        return (items, versions, 0);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            RemoveCosmosContainerAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
        if (disposing)
        {
            Client.Dispose();
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

internal static class JsonExtensions
{
    public static string Str(this JsonElement element, string property) => element.GetProperty(property).GetString()!;

    public static string? StrOrNull(this JsonElement element, string property) =>
        element.GetProperty(property).ValueKind == JsonValueKind.Null ? null : element.GetProperty(property).GetString();
}
