using Microsoft.Extensions.Configuration;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Agile.CustomerService.Host.Local;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;

namespace Agile.CustomerService.Dashboard.Tests;

/// <summary>
/// The real app on a loopback socket (Kestrel on 127.0.0.1, a free port), over a fresh SQLite file
/// with the small demo seed, fake time and no background runner (the test settles the pipeline),
/// plus headless Chromium (Debian's package) driven by Playwright. Data is seeded through the API:
/// twelve resolved cases over three days, a flagged transcript and exemption requests.
/// </summary>
public sealed class DashboardApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string From = "2026-11-21";
    public const string To = "2026-11-23";
    public const string XssText = "<img src=x onerror=\"window.__xss=1\">";
    public const string XssReason = "<script>window.__xss=2</script> customer was bereaved";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "acs-dashboard-tests", Guid.NewGuid().ToString("N"));
    private IPlaywright? _playwright;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<IPage, List<string>> _logs = new();
    private int _keys;

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero));

    public HttpClient Client { get; private set; } = null!;

    /// <summary>Development tokens: the seed acts as the agents it names, the pages as a coach.</summary>
    public ActorTokens Tokens { get; private set; } = null!;

    public string CoachToken => Tokens.For("coach-1", ["Coach"]);

    public string BaseUrl { get; private set; } = "";

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go (artifacts/dashboard under the repository root).</summary>
    public static string Screenshots { get; } = Path.Combine(RepositoryRoot(), "artifacts", "dashboard");

    public List<string> Cases { get; } = [];

    public string FlaggedCaseId { get; private set; } = "";

    public string FlaggedTeamId { get; private set; } = "";

    public static string ChromiumPath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("urls", "http://127.0.0.1:0");
        builder.UseSetting("Store:SqlitePath", Path.Combine(_directory, "test.db"));
        builder.UseSetting("Blobs:LocalPath", Path.Combine(_directory, "blobs"));
        builder.UseSetting("Seed:DemoCustomers", "200");
        builder.UseSetting("Pipeline:RunLocally", "false");
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);
        });
    }

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed at {ChromiumPath}: run `source tests/stand-ins/chromium/start.sh` (apt-get install -y chromium), or ./test.sh, which does; or set CHROMIUM_PATH.");
        }

        UseKestrel();
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.Single(a => a.StartsWith("http://127.0.0.1:", StringComparison.Ordinal));
        var settings = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Store:SqlitePath"] = Path.Combine(_directory, "test.db") })
            .Build();
        Tokens = new ActorTokens(Agile.CustomerService.Host.Security.DevelopmentTokenIssuer.ForStore(settings));
        Client = new HttpClient(new ActorTokenHandler(Tokens) { InnerHandler = new HttpClientHandler() }) { BaseAddress = new Uri(BaseUrl) };
        Services.GetRequiredService<FunctionInvoker>().Client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        await SeedAsync();

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        Directory.CreateDirectory(Screenshots);
    }

    public new async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        Client?.Dispose();
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A page whose API calls carry a bearer token from sessionStorage, as a Teams tab will.</summary>
    public async Task<IPage> NewPageAsync(IBrowserContext? context = null)
    {
        context ??= await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 }, AcceptDownloads = true });
        await context.AddInitScriptAsync($"sessionStorage.setItem('acs-token', '{CoachToken}');");
        var page = await context.NewPageAsync();
        page.Dialog += (_, dialog) => throw new InvalidOperationException($"a dialog opened: {dialog.Message}");
        var log = new List<string>();
        _logs[page] = log;
        page.Console += (_, message) => log.Add($"console {message.Type}: {message.Text}");
        page.PageError += (_, error) => log.Add($"page error: {error}");
        page.RequestFailed += (_, request) => log.Add($"request failed: {request.Url} {request.Failure}");
        page.Response += (_, response) => { if (response.Status >= 400) { log.Add($"HTTP {response.Status}: {response.Url}"); } };
        return page;
    }

    public async Task OpenAsync(IPage page, string hash)
    {
        await page.GotoAsync($"{BaseUrl}/api/dashboard/#{hash}");
        try
        {
            await page.WaitForSelectorAsync("body[data-state=ready]", new PageWaitForSelectorOptions { Timeout = 15_000 });
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"the page did not finish loading; browser log:\n{string.Join('\n', _logs.GetValueOrDefault(page) ?? [])}", ex);
        }
    }

    // ---------------------------------------------------------------- seeding through the API

    private async Task SeedAsync()
    {
        var minutes = new[] { 3, 7, 12, 5 };
        for (var day = 0; day < 3; day++)
        {
            for (var i = 0; i < 4; i++)
            {
                Cases.Add(await ResolvedCaseAsync($"cust-{day * 4 + i + 1:D5}", TimeSpan.FromMinutes(minutes[i] + day)));
            }

            Time.Advance(TimeSpan.FromDays(1) - TimeSpan.FromMinutes(60));
            await SettleAsync();
        }

        // Quality: a team list, a transcript that breaks it (with markup in it), and a pending exemption.
        var flagged = await CaseAsync(Cases[0]);
        FlaggedCaseId = Cases[0];
        FlaggedTeamId = flagged.GetProperty("handlingTeamId").GetString()!;
        var agent = flagged.GetProperty("lastServedBy").GetString()!;
        (await Client.PutAsJsonAsync($"/api/teams/{FlaggedTeamId}/quality/phrases", new
        {
            by = "lead-1",
            phrases = new object[]
            {
                new { id = "rude", kind = "phrase", text = "not my problem" },
                new { id = "card", kind = "pattern", text = @"\b(?:\d[ -]?){13,19}\b", label = "card number" },
            },
        })).EnsureSuccessStatusCode();
        (await PostAsync($"/api/cases/{FlaggedCaseId}/transcript", new { text = $"Agent: {XssText} that is not my problem.", by = agent })).EnsureSuccessStatusCode();
        (await PostAsync($"/api/cases/{FlaggedCaseId}/exemption", new { agentId = agent, reason = XssReason })).EnsureSuccessStatusCode();
    }

    public async Task<string> RequestExemptionAsync(string caseId, string reason)
    {
        var c = await CaseAsync(caseId);
        var response = await PostAsync($"/api/cases/{caseId}/exemption", new { agentId = c.GetProperty("lastServedBy").GetString(), reason });
        response.EnsureSuccessStatusCode();
        return (await Json(response)).GetProperty("id").GetString()!;
    }

    private async Task<string> ResolvedCaseAsync(string customerId, TimeSpan handling)
    {
        var intake = await PostAsync("/api/contacts", new { customerId, channel = "phone", topic = "bill question", tier = "simple" });
        intake.EnsureSuccessStatusCode();
        var caseId = (await Json(intake)).GetProperty("case").GetProperty("id").GetString()!;
        await SettleAsync();
        var agent = (await CaseAsync(caseId)).GetProperty("offeredTo").GetString()!;
        (await ActAsync(caseId, "accept", new { agentId = agent })).EnsureSuccessStatusCode();
        Time.Advance(handling);
        (await ActAsync(caseId, "resolve", new { agentId = agent, resolution = "explained" })).EnsureSuccessStatusCode();
        await SettleAsync();
        return caseId;
    }

    public Task SettleAsync() => Services.GetRequiredService<LocalFunctionsHost>().RunUntilQuietAsync(CancellationToken.None);

    public async Task<JsonElement> CaseAsync(string caseId) =>
        (await Json(await Client.GetAsync($"/api/cases/{caseId}"))).GetProperty("case");

    private async Task<HttpResponseMessage> ActAsync(string caseId, string action, object body)
    {
        var response = await Client.GetAsync($"/api/cases/{caseId}");
        return await PostAsync($"/api/cases/{caseId}/{action}", body, response.Headers.ETag!.Tag);
    }

    public async Task<HttpResponseMessage> PostAsync(string url, object body, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", $"seed-{Interlocked.Increment(ref _keys)}");
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await Client.SendAsync(request);
    }

    public async Task<JsonElement> GetJsonAsync(string url)
    {
        var response = await Client.GetAsync(url);
        response.EnsureSuccessStatusCode();
        return await Json(response);
    }

    public static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Agile.CustomerService.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? Path.GetTempPath();
    }
}

/// <summary>Reads what a screenshot is without an imaging library: PNG size from the IHDR chunk.</summary>
internal static class Png
{
    public static (int Width, int Height) Size(byte[] png)
    {
        Assert.True(png.Length > 24 && png[1] == (byte)'P' && png[2] == (byte)'N' && png[3] == (byte)'G', "not a PNG");
        static int BigEndian(byte[] b, int at) => (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
        return (BigEndian(png, 16), BigEndian(png, 20));
    }
}

internal static class Text
{
    public static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    public static MediaTypeHeaderValue Json { get; } = new("application/json");
}

/// <summary>Development tokens, one per user and roles, minted once.</summary>
public sealed class ActorTokens(Agile.CustomerService.Host.Security.DevelopmentTokenIssuer issuer)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _tokens = new();

    public string For(string user, string[] roles) =>
        _tokens.GetOrAdd(user + "|" + string.Join(",", roles), _ => issuer.Mint(user, roles, TimeSpan.FromHours(2), DateTimeOffset.UtcNow));
}

/// <summary>Acts as the agent a request body names (agents act for themselves), otherwise as an operator.</summary>
internal sealed class ActorTokenHandler(ActorTokens tokens) : DelegatingHandler
{
    private static readonly string[] ActorFields = ["agentId", "by", "authorId", "memberId", "requesterId"];
    private static readonly string[] Operator = ["Admin", "Coach", "ContactSource"];
    private static readonly string[] Agent = ["Agent", "TeamLead"];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization is null)
        {
            var actor = request.Content is null ? null : Actor(await request.Content.ReadAsStringAsync(cancellationToken));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", actor is null ? tokens.For("test-operator", Operator) : tokens.For(actor, Agent));
        }

        return await base.SendAsync(request, cancellationToken);
    }

    private static string? Actor(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            foreach (var field in ActorFields)
            {
                if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(field, out var value)
                    && value.ValueKind == JsonValueKind.String && value.GetString() is { } name && name.Contains("-a", StringComparison.Ordinal))
                {
                    return name;
                }
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }
}
