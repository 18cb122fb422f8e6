using System.Net;
using System.Net.Http.Json;

namespace Agile.CustomerService.Api.Tests;

/// <summary>
/// Every kind of bad input gets a ProblemDetails 4xx that names the problem, and writes nothing:
/// the store's fingerprint (documents, versions, events) is the same before and after.
/// </summary>
public class BadInputTests : AppTests
{
    public BadInputTests()
        : base(new TestApp())
    {
    }

    /// <param name="app">The app the tests run against (another store: <see cref="CosmosBadInputTests"/>).</param>
    protected BadInputTests(TestApp app)
        : base(app)
    {
    }

    public static TheoryData<string, string, string, int, string> IntakeCases => new()
    {
        { "malformed JSON", "/api/contacts", "{\"customerId\": ", 400, "malformed JSON" },
        { "not an object", "/api/contacts", "[1,2]", 400, "malformed JSON" },
        { "empty body", "/api/contacts", "", 400, "JSON body is required" },
        { "unknown channel", "/api/contacts", "{\"customerId\":\"cust-00005\",\"channel\":\"pigeon\",\"topic\":\"x\",\"tier\":\"simple\"}", 400, "malformed JSON" },
        { "missing customer", "/api/contacts", "{\"channel\":\"phone\",\"topic\":\"x\",\"tier\":\"simple\"}", 400, "customerId" },
        { "missing tier", "/api/contacts", "{\"customerId\":\"cust-00005\",\"channel\":\"phone\",\"topic\":\"x\"}", 400, "tier must be one of" },
        { "topic too long", "/api/contacts", "{\"customerId\":\"cust-00005\",\"channel\":\"phone\",\"topic\":\"" + new string('x', 201) + "\",\"tier\":\"simple\"}", 400, "topic must be at most 200" },
        { "bad id characters", "/api/contacts", "{\"customerId\":\"cust 5; drop\",\"channel\":\"phone\",\"topic\":\"x\",\"tier\":\"simple\"}", 400, "customerId must be" },
        { "self-service without answer", "/api/contacts", "{\"customerId\":\"cust-00005\",\"channel\":\"web\",\"topic\":\"x\",\"tier\":\"selfService\"}", 400, "selfServiceAnswer is required" },
        { "unknown customer", "/api/contacts", "{\"customerId\":\"cust-99999\",\"channel\":\"phone\",\"topic\":\"x\",\"tier\":\"simple\"}", 404, "cust-99999 is not registered" },
        { "oversize body", "/api/contacts", "{\"customerId\":\"cust-00005\",\"channel\":\"phone\",\"topic\":\"" + new string('x', 70_000) + "\",\"tier\":\"simple\"}", 413, "at most" },
    };

    [Theory]
    [MemberData(nameof(IntakeCases))]
    public async Task Intake_BadInput_ProblemDetailsAndNothingWritten(string name, string url, string body, int status, string mentions)
    {
        var before = App.Fingerprint();

        var response = await App.SendRawAsync(HttpMethod.Post, url, body, ("Idempotency-Key", "bad-" + name));

        await AssertProblemAsync(response, status, mentions);
        Assert.Equal(before, App.Fingerprint());
    }

    [Theory]
    [InlineData("/DispatchReactor", "not json", "malformed invocation payload")]
    [InlineData("/DispatchReactor", "[1,2]", "must be a JSON object")]
    [InlineData("/CaseEventsPublisher", "\"text\"", "must be a JSON object")]
    [InlineData("/BoardProjection", "{\"Data\":{}}", "no Data.message")]
    public async Task FunctionInvocation_Malformed_Is400NamingItAndWritesNothing(string url, string body, string mentions)
    {
        var before = App.Fingerprint();

        var response = await App.SendRawAsync(HttpMethod.Post, url, body);

        await AssertProblemAsync(response, 400, mentions);
        Assert.Equal(before, App.Fingerprint());
    }

    [Fact]
    public async Task Intake_WithoutIdempotencyKey_IsRejected()
    {
        var before = App.Fingerprint();

        var response = await App.SendRawAsync(HttpMethod.Post, "/api/contacts", "{\"customerId\":\"cust-00005\",\"channel\":\"phone\",\"topic\":\"x\",\"tier\":\"simple\"}");

        await AssertProblemAsync(response, 400, "Idempotency-Key");
        Assert.Equal(before, App.Fingerprint());
    }

    [Fact]
    public async Task Action_WithoutIfMatch_Is428AndNothingWritten()
    {
        var c = await App.IntakeAsync("cust-00005");
        await App.SettleAsync();
        var before = App.Fingerprint();

        var response = await App.PostAsync($"/api/cases/{c.Str("id")}/accept", new { agentId = c.Str("offeredTo") });

        await AssertProblemAsync(response, 428, "If-Match");
        Assert.Equal(before, App.Fingerprint());
    }

    [Fact]
    public async Task Action_StaleETag_Is412AndNothingWritten()
    {
        var c = await App.IntakeAsync("cust-00005");
        var (_, etag) = await App.CaseAsync(c.Str("id"));
        await App.ActAsync(c.Str("id"), "decline", new { agentId = c.Str("offeredTo"), reason = "busy" });
        await App.SettleAsync();
        var before = App.Fingerprint();

        var response = await App.PostAsync($"/api/cases/{c.Str("id")}/accept", new { agentId = c.Str("offeredTo") }, etag);

        await AssertProblemAsync(response, 412, "changed since");
        Assert.Equal(before, App.Fingerprint());
    }

    [Fact]
    public async Task Action_InvalidTransition_Is409AndNothingWritten()
    {
        var c = await App.IntakeAsync("cust-00005");
        await App.SettleAsync();
        var before = App.Fingerprint();

        var response = await App.ActAsync(c.Str("id"), "resolve", new { agentId = c.Str("offeredTo"), resolution = "done" });

        await AssertProblemAsync(response, 409, "not in progress");
        Assert.Equal(before, App.Fingerprint());
    }

    [Fact]
    public async Task Action_TeammateNotOffered_Is409AndNothingWritten()
    {
        var c = await App.IntakeAsync("cust-00005");
        await App.SettleAsync();
        var (offered, _) = await App.CaseAsync(c.Str("id"));
        var teammate = offered.Str("offeredTo") == "north-1-a01" ? "north-1-a02" : "north-1-a01";
        var before = App.Fingerprint();

        var response = await App.ActAsync(c.Str("id"), "accept", new { agentId = teammate });

        await AssertProblemAsync(response, 409, $"not offered to {teammate}");
        Assert.Equal(before, App.Fingerprint());
    }

    [Theory]
    [InlineData("cust-00005~0123456789abcdef0123456789abcdef")]
    [InlineData("not-a-case-id")]
    [InlineData("cust-00005~zz")]
    public async Task Action_UnknownCase_Is404AndNothingWritten(string caseId)
    {
        var before = App.Fingerprint();

        var response = await App.PostAsync($"/api/cases/{caseId}/accept", new { agentId = "north-1-a01" }, "\"1\"");

        await AssertProblemAsync(response, 404, "does not exist");
        Assert.Equal(before, App.Fingerprint());
    }

    [Fact]
    public async Task Help_AssistantFromAnotherTeam_Is422AndNothingWritten()
    {
        var c = await App.IntakeAsync("cust-00005");
        await App.ActAsync(c.Str("id"), "accept", new { agentId = c.Str("offeredTo") });
        await App.SettleAsync();
        var before = App.Fingerprint();

        var response = await App.ActAsync(c.Str("id"), "help", new { agentId = c.Str("offeredTo"), assistantId = "north-4-a01", reason = "x" });

        await AssertProblemAsync(response, 422, "not a member of team north-1");
        Assert.Equal(before, App.Fingerprint());
    }

    public static TheoryData<string, string, string, int, string> AdminCases => new()
    {
        { "capacity zero", "/api/teams/north-1/agents/north-1-a01", "{\"name\":\"A\",\"level\":\"new\",\"capacity\":0}", 400, "capacity must be between 1 and 20" },
        { "capacity too high", "/api/teams/north-1/agents/north-1-a01", "{\"name\":\"A\",\"level\":\"new\",\"capacity\":99}", 400, "capacity must be between 1 and 20" },
        { "unknown level", "/api/teams/north-1/agents/north-1-a01", "{\"name\":\"A\",\"level\":\"guru\",\"capacity\":3}", 400, "malformed JSON" },
        { "agent of unknown team", "/api/teams/nowhere/agents/x-1", "{\"name\":\"A\",\"level\":\"new\",\"capacity\":3}", 404, "team nowhere does not exist" },
        { "agent already in another team", "/api/teams/north-2/agents/north-1-a01", "{\"name\":\"A\",\"level\":\"new\",\"capacity\":3}", 409, "belongs to team north-1" },
        { "team in unknown region", "/api/teams/x-1", "{\"name\":\"X\",\"regionId\":\"mars\",\"segment\":\"residential\"}", 422, "region mars does not exist" },
        { "customer in unknown region", "/api/customers/new-1", "{\"name\":\"N\",\"regionId\":\"mars\",\"segment\":\"residential\",\"tier\":\"standard\"}", 422, "region mars does not exist" },
        { "customer tier unknown", "/api/customers/new-1", "{\"name\":\"N\",\"regionId\":\"north\",\"segment\":\"residential\",\"tier\":\"gold\"}", 400, "malformed JSON" },
        { "availability missing", "/api/teams/north-1/agents/north-1-a01/availability", "{}", 400, "available" },
        { "availability of non-member", "/api/teams/north-1/agents/north-2-a01/availability", "{\"available\":true}", 404, "not a member of team north-1" },
        { "transfer to unknown team", "/api/customers/cust-00005/owner", "{\"teamId\":\"nowhere\",\"by\":\"admin\",\"reason\":\"x\"}", 422, "team nowhere does not exist" },
        { "leads missing", "/api/teams/north-1/leads", "{}", 400, "agentIds (a list, may be empty) is required" },
        { "lead from another team", "/api/teams/north-1/leads", "{\"agentIds\":[\"north-1-a10\",\"north-2-a01\"]}", 422, "north-2-a01 is not a member of team north-1" },
        { "leads of unknown team", "/api/teams/nowhere/leads", "{\"agentIds\":[]}", 404, "team nowhere does not exist" },
        { "too many leads", "/api/teams/north-1/leads", "{\"agentIds\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\",\"k\"]}", 400, "agentIds.length" },
        { "transfer of unknown customer", "/api/customers/cust-99999/owner", "{\"teamId\":\"north-1\",\"by\":\"admin\",\"reason\":\"x\"}", 404, "not registered" },
    };

    [Theory]
    [MemberData(nameof(AdminCases))]
    public async Task Admin_BadInput_ProblemDetailsAndNothingWritten(string name, string url, string body, int status, string mentions)
    {
        Assert.NotEmpty(name);
        var before = App.Fingerprint();

        var response = await App.SendRawAsync(HttpMethod.Put, url, body);

        await AssertProblemAsync(response, status, mentions);
        Assert.Equal(before, App.Fingerprint());
    }

    [Theory]
    [InlineData("/api/cases/cust-00005~0123456789abcdef0123456789abcdef")]
    [InlineData("/api/customers/nobody")]
    [InlineData("/api/teams/nowhere")]
    [InlineData("/api/teams/nowhere/board")]
    [InlineData("/api/teams/nowhere/leads")]
    [InlineData("/api/agents/nobody")]
    public async Task Read_UnknownId_Is404ProblemDetails(string url)
    {
        var response = await App.Client.GetAsync(url);

        await AssertProblemAsync(response, 404, "");
    }

    [Fact]
    public async Task Board_UnknownView_Is400()
    {
        var response = await App.Client.GetAsync("/api/teams/north-1/board?view=everything");

        await AssertProblemAsync(response, 400, "view must be open or all");
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, int status, string mentions)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemBody>();
        Assert.Equal(status, problem!.Status);
        Assert.False(string.IsNullOrEmpty(problem.Title));
        Assert.Contains(mentions, problem.Detail ?? "", StringComparison.OrdinalIgnoreCase);
    }

    private sealed record ProblemBody(string? Title, int Status, string? Detail);
}
