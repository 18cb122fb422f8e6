using System.Net;
using Agile.CustomerService.Application.Cases;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Application.Teams;
using Agile.CustomerService.Domain.Cases;
using Agile.CustomerService.Domain.Organisation;
using CsCheck;

namespace Agile.CustomerService.Api.Tests;

/// <summary>
/// Random scenarios through the real HTTP API and SQLite store (intakes, answers, declines,
/// resolutions, reopenings, availability changes, time passing, repeated requests), then the
/// invariants of the model are checked on the stored state. CsCheck shrinks a failing scenario.
/// </summary>
public class InvariantTests
{
    private static readonly string[] Customers =
        ["cust-00001", "cust-00002", "cust-00005", "cust-00010", "cust-00025", "cust-00151", "cust-00152", "cust-00161", "cust-00191"];

    private static readonly string[] Tiers = ["simple", "complex", "selfService", "simple"];

    private static readonly Gen<(int Op, int A, int B)> Op = Gen.Select(Gen.Int[0, 9], Gen.Int[0, 99], Gen.Int[0, 99]);

    [Fact]
    public async Task Scenario_AnyMixOfActions_KeepsTheModelsInvariants()
    {
        await Op.Array[5, 40].SampleAsync(async ops =>
        {
            using var app = new TestApp(("Seed:DemoCustomers", "200"));
            await RunAsync(app, ops);
            await app.SettleAsync();
            await AssertInvariantsAsync(app);
        }, iter: 25, threads: 1);
    }

    private static async Task RunAsync(TestApp app, (int Op, int A, int B)[] ops)
    {
        var sent = new List<(string Url, object Body, string Key, string? IfMatch, string Response)>();
        foreach (var (op, a, b) in ops)
        {
            var cases = await OpenCasesAsync(app);
            switch (op)
            {
                case 0 or 1:
                    var key = app.NextKey();
                    var customer = Customers[a % Customers.Length];
                    var tier = Tiers[b % Tiers.Length];
                    var body = new { customerId = customer, channel = "chat", topic = "t", tier, selfServiceAnswer = tier == "selfService" ? "faq" : null };
                    var response = await app.PostAsync("/api/contacts", body, key: key);
                    Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                    sent.Add(("/api/contacts", body, key, null, await response.Content.ReadAsStringAsync()));
                    break;
                case 2 when Pick(cases, a, CaseStatus.Offered) is { } offered:
                    await app.ActAsync(offered.Id, "accept", new { agentId = offered.OfferedTo });
                    break;
                case 3 when Pick(cases, a, CaseStatus.Offered) is { } declined:
                    await app.ActAsync(declined.Id, "decline", new { agentId = declined.OfferedTo, reason = "busy" });
                    break;
                case 4 when Pick(cases, a, CaseStatus.InProgress) is { } working:
                    await app.ActAsync(working.Id, "resolve", new { agentId = working.AssignedTo, resolution = "done" });
                    break;
                case 5 when Pick(cases, a, CaseStatus.Resolved) is { } resolved:
                    await app.ActAsync(resolved.Id, "reopen", new { by = resolved.CustomerId, reason = "again" });
                    break;
                case 6:
                    var team = $"north-{1 + a % 4}";
                    await app.PutAsync($"/api/teams/{team}/agents/{team}-a{1 + b % 10:D2}/availability", new { available = b % 3 != 0 });
                    break;
                case 7:
                    await app.AdvanceAsync(TimeSpan.FromSeconds(30 * (1 + a % 12)));
                    break;
                case 8 when sent.Count > 0:
                    var (url, again, repeatKey, ifMatch, first) = sent[a % sent.Count];
                    var repeat = await app.PostAsync(url, again, ifMatch, repeatKey);
                    Assert.Equal(first, await repeat.Content.ReadAsStringAsync());
                    break;
                case 9:
                    await app.SettleAsync();
                    break;
            }
        }
    }

    private static SupportCase? Pick(IReadOnlyList<SupportCase> cases, int a, CaseStatus status)
    {
        var matching = cases.Where(c => c.Status == status).ToList();
        return matching.Count == 0 ? null : matching[a % matching.Count];
    }

    private static Task<IReadOnlyList<SupportCase>> OpenCasesAsync(TestApp app) => Invariants.CasesAsync(app, Customers);

    private static async Task AssertInvariantsAsync(TestApp app)
    {
        var violations = await Invariants.CheckAsync(app, Customers);
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }
}
