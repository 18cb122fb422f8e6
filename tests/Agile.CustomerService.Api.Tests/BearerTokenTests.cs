using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Agile.CustomerService.Host.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.Tokens;

namespace Agile.CustomerService.Api.Tests;

/// <summary>Bearer tokens that must not get in, and the ones that must (issue 6, security tests).</summary>
public sealed class BearerTokenTests : IClassFixture<BearerTokenTests.Fixture>
{
    public sealed class Fixture : IDisposable
    {
        public TestApp App { get; } = new();

        public void Dispose() => App.Dispose();
    }

    private readonly TestApp _app;

    public BearerTokenTests(Fixture fixture) => _app = fixture.App;

    private async Task<(HttpStatusCode Status, string Body)> MeAsync(string? authorization)
    {
        using var client = _app.ClientWith(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Unsigned(string user, string[] roles)
    {
        static string B64(string s) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(s));
        var header = B64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = B64($"{{\"iss\":\"{TestTokens.Issuer}\",\"aud\":\"{TestTokens.ClientId}\",\"tid\":\"{TestTokens.TenantId}\",\"oid\":\"x\",\"name\":\"{user}\",\"roles\":[\"{string.Join("\",\"", roles)}\"],\"nbf\":{now - 60},\"exp\":{now + 3600}}}");
        return $"{header}.{payload}.";
    }

    /// <summary>Tokens are minted when the test runs: the signing key lives only in this process.</summary>
    private static (string? Authorization, string Mentions) Refusal(string why) => why switch
    {
        "no token" => (null, "bearer token is required"),
        "not a bearer scheme" => ("Basic YWRtaW46YWRtaW4=", "bearer token is required"),
        "garbage" => ("Bearer not-a-jwt", "not valid"),
        "garbage payload" => ("Bearer eyJhbGciOiJSUzI1NiJ9.!!!.sig", "not valid"),
        "expired" => ("Bearer " + TestTokens.Mint("admin-1", ["Admin"], expires: DateTime.UtcNow.AddMinutes(-10), now: DateTime.UtcNow.AddHours(-2)), "expired"),
        "wrong audience" => ("Bearer " + TestTokens.Mint("admin-1", ["Admin"], audience: "api://someone-else"), "audience"),
        "foreign tenant" => ("Bearer " + TestTokens.Mint("admin-1", ["Admin"], issuer: "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0", tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47"), "issuer"),
        "signed by another key" => ("Bearer " + TestTokens.Mint("admin-1", ["Admin"], key: TestTokens.ForeignKey), "signature"),
        "unsigned (alg none)" => ("Bearer " + Unsigned("admin-1", ["Admin"]), "not valid"),
        _ => throw new ArgumentOutOfRangeException(nameof(why)),
    };

    [Theory]
    [InlineData("no token")]
    [InlineData("not a bearer scheme")]
    [InlineData("garbage")]
    [InlineData("garbage payload")]
    [InlineData("expired")]
    [InlineData("wrong audience")]
    [InlineData("foreign tenant")]
    [InlineData("signed by another key")]
    [InlineData("unsigned (alg none)")]
    public async Task BadToken_Is401ProblemAndSaysWhy(string why)
    {
        var (authorization, mentions) = Refusal(why);

        var (status, body) = await MeAsync(authorization);

        Assert.True(status == HttpStatusCode.Unauthorized, $"{why}: {status} {body}");
        Assert.True(body.Contains(mentions, StringComparison.Ordinal), body);
    }

    [Fact]
    public async Task TamperedPayload_RoleEscalation_Is401()
    {
        var token = TestTokens.For("north-1-a03", "Agent");
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"Agent\"", "\"Admin\"", StringComparison.Ordinal);
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload))}.{parts[2]}";

        var (status, _) = await MeAsync("Bearer " + tampered);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Theory]
    [InlineData(TestTokens.ClientId)]
    [InlineData("api://" + TestTokens.ClientId)]
    public async Task ClientIdAndAppIdUri_AreBothAcceptedAudiences(string audience)
    {
        var (status, body) = await MeAsync("Bearer " + TestTokens.Mint("north-1-a03", ["Agent"], audience: audience));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("\"agentId\":\"north-1-a03\"", body, StringComparison.Ordinal);
        Assert.Contains("\"teamId\":\"north-1\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentRole_CannotReachAdminEndpoints_Is403()
    {
        using var client = _app.ClientWith(TestTokens.For("north-1-a03", "Agent"));

        using var response = await client.PutAsync("/api/regions/north", new StringContent("{\"name\":\"Hijacked\"}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("North (pilot)", (await TestApp.Json(await _app.Client.GetAsync("/api/regions")))[0].Str("name"));
    }

    [Fact]
    public async Task Agent_ActingAsATeammate_Is403AndNothingWritten()
    {
        var c = await _app.IntakeAsync("cust-00009");
        await _app.SettleAsync();
        var (state, etag) = await _app.CaseAsync(c.Str("id"));
        var offered = state.Str("offeredTo");
        var impostor = offered == "north-1-a01" ? "north-1-a02" : "north-1-a01";
        var before = _app.Fingerprint();

        var response = await _app.PostAsync($"/api/cases/{c.Str("id")}/accept", new { agentId = offered }, etag, token: TestTokens.For(impostor, "Agent"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains($"you are {impostor}, not {offered}", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, _app.Fingerprint());
    }

    [Fact]
    public async Task LinkingAUser_MakesTheirTokenActAsThatAgent()
    {
        var user = new { tenantId = TestTokens.TenantId, objectId = Application.Admin.DevelopmentIdentity.ObjectIdFor("new-hire@contoso") };
        var before = await MeAsync("Bearer " + TestTokens.For("new-hire@contoso", "Agent"));
        Assert.DoesNotContain("north-2-a04", before.Body, StringComparison.Ordinal);

        var linked = await _app.PutAsync("/api/agents/north-2-a04/identity", user);
        linked.EnsureSuccessStatusCode();

        var after = await MeAsync("Bearer " + TestTokens.For("new-hire@contoso", "Agent"));
        Assert.Contains("\"agentId\":\"north-2-a04\"", after.Body, StringComparison.Ordinal);
        Assert.Contains("\"teamId\":\"north-2\"", after.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DevelopmentToken_FromTheCommand_WorksLocally()
    {
        var settings = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Store:SqlitePath"] = _app.DatabasePath })
            .Build();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = DevelopmentTokenIssuer.RunCommand(["dev-token", "--user", "north-4-a09", "--role", "TeamLead"], settings, output, error);

        Assert.Equal(0, code);
        var (status, body) = await MeAsync("Bearer " + output.ToString().Trim());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("\"agentId\":\"north-4-a09\"", body, StringComparison.Ordinal);
        Assert.Contains("\"TeamLead\"", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--role", "Root")]
    [InlineData("--user", "bad user!")]
    [InlineData("--hours", "999")]
    public void DevelopmentTokenCommand_BadArguments_Exit2WithUsage(string option, string value)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] args = option == "--user" ? ["dev-token", option, value] : ["dev-token", "--user", "north-1-a01", option, value];

        var code = DevelopmentTokenIssuer.RunCommand(args, new ConfigurationBuilder().Build(), output, error);

        Assert.Equal(2, code);
        Assert.Equal("", output.ToString());
        Assert.StartsWith("dev-token:", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DevelopmentToken_WhenDevelopmentTokensAreOff_Is401()
    {
        using var strict = new TestApp(("Auth:DevelopmentTokens", "false"));
        var settings = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Store:SqlitePath"] = strict.DatabasePath })
            .Build();
        var token = DevelopmentTokenIssuer.ForStore(settings).Mint("north-1-a01", ["Admin"], TimeSpan.FromHours(1), DateTimeOffset.UtcNow);
        using var client = strict.ClientWith(token);

        using var response = await client.GetAsync("/api/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
