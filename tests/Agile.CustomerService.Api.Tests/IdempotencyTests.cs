using System.Net;
using Agile.CustomerService.Application;
using Agile.CustomerService.Application.Cases;
using Agile.CustomerService.Domain.Cases;

namespace Agile.CustomerService.Api.Tests;

public class IdempotencyTests : AppTests
{
    public IdempotencyTests()
        : base(new TestApp())
    {
    }

    /// <param name="app">The app the tests run against (another store: <see cref="CosmosIdempotencyTests"/>).</param>
    protected IdempotencyTests(TestApp app)
        : base(app)
    {
    }

    [Fact]
    public async Task Intake_RepeatedWithSameKey_ReturnsTheFirstResultAndOpensOneCase()
    {
        var first = await App.PostAsync("/api/contacts", new { customerId = "cust-00005", channel = "chat", topic = "x", tier = "simple" }, key: "retry-1");
        var before = App.Fingerprint();

        var second = await App.PostAsync("/api/contacts", new { customerId = "cust-00005", channel = "chat", topic = "x", tier = "simple" }, key: "retry-1");

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(before, App.Fingerprint());
        var customer = await TestApp.Json(await App.Client.GetAsync("/api/customers/cust-00005"));
        Assert.Equal(1, customer.GetProperty("cases").GetArrayLength());
    }

    [Fact]
    public async Task Accept_WhenTheCustomerChangedAfterTheActionsRead_Is409NamingTheCustomerAndWritesNothing()
    {
        var first = await App.IntakeAsync("cust-00005");
        var second = await App.IntakeAsync("cust-00005");
        var cases = App.Service<CaseService>();
        var read = await cases.ReadForActionAsync(first.Str("id"), "accept-stale", TestContext.Current.CancellationToken);
        var (_, etag) = await App.CaseAsync(first.Str("id"));
        var acceptSecond = await App.PostAsync($"/api/cases/{second.Str("id")}/accept", new { agentId = second.Str("offeredTo") }, (await App.CaseAsync(second.Str("id"))).ETag);
        Assert.Equal(HttpStatusCode.OK, acceptSecond.StatusCode); // the customer's continuity moved on
        await App.SettleAsync();
        var before = App.Fingerprint();

        var outcome = await cases.ActAsync(
            first.Str("id"), etag, "accept-stale", "accept", "{}", (_, at) => new AcceptOffer(first.Str("offeredTo"), at),
            TestContext.Current.CancellationToken, read);

        var problem = Assert.IsType<Problem>(outcome);
        Assert.Equal(409, problem.Status);
        Assert.Contains("customer cust-00005 changed", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(before, App.Fingerprint());
    }

    [Fact]
    public async Task Intake_SameKeyDifferentRequest_Is422()
    {
        await App.PostAsync("/api/contacts", new { customerId = "cust-00005", channel = "chat", topic = "x", tier = "simple" }, key: "retry-2");
        var before = App.Fingerprint();

        var response = await App.PostAsync("/api/contacts", new { customerId = "cust-00005", channel = "chat", topic = "other", tier = "simple" }, key: "retry-2");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(before, App.Fingerprint());
    }

    [Fact]
    public async Task Accept_RepeatedWithSameKey_ReturnsTheFirstResultAndWritesNothingMore()
    {
        var c = await App.IntakeAsync("cust-00005");
        var (_, etag) = await App.CaseAsync(c.Str("id"));
        var first = await App.PostAsync($"/api/cases/{c.Str("id")}/accept", new { agentId = c.Str("offeredTo") }, etag, key: "accept-1");
        await App.SettleAsync();
        var before = App.Fingerprint();

        var second = await App.PostAsync($"/api/cases/{c.Str("id")}/accept", new { agentId = c.Str("offeredTo") }, etag, key: "accept-1");
        await App.SettleAsync();

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(before, App.Fingerprint());
    }

    [Fact]
    public async Task Intake_RepeatedAfterTheCaseWasResolved_ReturnsTheOfferAsFirstAnswered()
    {
        var contact = new { customerId = "cust-00005", channel = "chat", topic = "x", tier = "simple" };
        var first = await App.PostAsync("/api/contacts", contact, key: "retry-3");
        var c = (await TestApp.Json(first)).GetProperty("case");
        await AcceptAndResolveAsync(c.Str("id"), c.Str("offeredTo"));

        var second = await App.PostAsync("/api/contacts", contact, key: "retry-3");

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
    }

    [Fact]
    public async Task Accept_RepeatedAfterTheCaseWasResolved_ReturnsTheFirstAnswerNotTheCurrentCase()
    {
        var c = await App.IntakeAsync("cust-00005");
        var (_, offered) = await App.CaseAsync(c.Str("id"));
        var first = await App.PostAsync($"/api/cases/{c.Str("id")}/accept", new { agentId = c.Str("offeredTo") }, offered, key: "accept-2");
        var (_, accepted) = await App.CaseAsync(c.Str("id"));
        await App.PostAsync($"/api/cases/{c.Str("id")}/resolve", new { agentId = c.Str("offeredTo"), resolution = "done" }, accepted, key: "resolve-2");

        var second = await App.PostAsync($"/api/cases/{c.Str("id")}/accept", new { agentId = c.Str("offeredTo") }, offered, key: "accept-2");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var body = await second.Content.ReadAsStringAsync();
        Assert.Equal(await first.Content.ReadAsStringAsync(), body);
        Assert.Contains("\"status\":\"inProgress\"", body, StringComparison.Ordinal);
    }

    private async Task AcceptAndResolveAsync(string caseId, string agentId)
    {
        var (_, offered) = await App.CaseAsync(caseId);
        Assert.Equal(HttpStatusCode.OK, (await App.PostAsync($"/api/cases/{caseId}/accept", new { agentId }, offered)).StatusCode);
        var (_, accepted) = await App.CaseAsync(caseId);
        Assert.Equal(HttpStatusCode.OK, (await App.PostAsync($"/api/cases/{caseId}/resolve", new { agentId, resolution = "done" }, accepted)).StatusCode);
    }

    [Fact]
    public async Task Accept_ConcurrentRequestsWithOneETag_ExactlyOneWins()
    {
        var c = await App.IntakeAsync("cust-00005");
        var (_, etag) = await App.CaseAsync(c.Str("id"));

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            App.PostAsync($"/api/cases/{c.Str("id")}/decline", new { agentId = c.Str("offeredTo"), reason = $"busy {i}" }, etag)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.PreconditionFailed, r.StatusCode));
        var history = (await TestApp.Json(await App.Client.GetAsync($"/api/cases/{c.Str("id")}"))).GetProperty("history");
        Assert.Single(history.EnumerateArray(), e => e.Str("type") == "OfferDeclined");
    }
}
