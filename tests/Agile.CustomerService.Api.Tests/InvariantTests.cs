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

    private static async Task<IReadOnlyList<SupportCase>> OpenCasesAsync(TestApp app)
    {
        var store = app.Service<IStateStore>();
        var all = new List<SupportCase>();
        foreach (var customer in Customers)
        {
            var documents = await store.QueryAsync<CaseDocument>(Partitions.Customer(customer), Kinds.Case, CancellationToken.None);
            all.AddRange(documents.Select(d => d.Value.State));
        }

        return all;
    }

    private static async Task AssertInvariantsAsync(TestApp app)
    {
        var store = app.Service<IStateStore>();
        var cases = await OpenCasesAsync(app);
        var teams = new Dictionary<string, TeamState>();
        for (var t = 1; t <= 6; t++)
        {
            teams[$"north-{t}"] = (await TeamState.LoadAsync(store, $"north-{t}", withQueue: true, CancellationToken.None))!;
        }

        // One owning team per customer; every case (spilled, repeated or not) stays with it.
        foreach (var group in cases.GroupBy(c => c.CustomerId))
        {
            var customer = (await store.ReadAsync<Customer>(Partitions.Customer(group.Key), Kinds.Customer, CancellationToken.None))!.Value;
            Assert.NotNull(customer.OwningTeamId);
            Assert.Single(customer.Ownership);
            Assert.All(group, c => Assert.Equal(customer.OwningTeamId, c.OwningTeamId));
        }

        // No agent over capacity; a case is held by one agent at most.
        var holds = teams.Values.SelectMany(t => t.Dispatch.Agents.SelectMany(a => a.Loads.Select(l => (Team: t.Dispatch.TeamId, Agent: a.AgentId, l.CaseId)))).ToList();
        Assert.All(teams.Values.SelectMany(t => t.Dispatch.Agents), a => Assert.True(a.Loads.Count <= a.Capacity, $"{a.AgentId} holds {a.Loads.Count} > {a.Capacity}"));
        Assert.All(holds.GroupBy(h => h.CaseId), g => Assert.Single(g));

        foreach (var c in cases)
        {
            var held = holds.Where(h => h.CaseId == c.Id).ToList();
            var queuedIn = teams.Values.Where(t => t.Dispatch.Queue.Any(q => q.CaseId == c.Id)).Select(t => t.Dispatch.TeamId).ToList();
            switch (c.Status)
            {
                case CaseStatus.Offered:
                    Assert.Equal((c.HandlingTeamId, c.OfferedTo), (held.Single().Team, held.Single().Agent));
                    Assert.Empty(queuedIn);
                    break;
                case CaseStatus.InProgress:
                    Assert.Equal((c.HandlingTeamId, c.AssignedTo), (held.Single().Team, held.Single().Agent));
                    Assert.Empty(queuedIn);
                    break;
                case CaseStatus.Queued or CaseStatus.New:
                    // Nothing is lost: a waiting case waits in its handling team's queue.
                    Assert.Empty(held);
                    Assert.Equal([c.HandlingTeamId], queuedIn);
                    break;
                default:
                    Assert.Empty(held);
                    Assert.Empty(queuedIn);
                    break;
            }

            // Every event applied once: versions are consecutive.
            var stored = (await store.ReadAsync<CaseDocument>(Partitions.Customer(c.CustomerId), c.Id, CancellationToken.None))!.Value;
            Assert.Equal(stored.History.Count, stored.State.Version);
        }

        // The outbox holds each event once.
        var page = await store.ReadChangesAsync(null, 100_000, CancellationToken.None);
        Assert.Equal(page.Changes.Count, page.Changes.Select(ch => ch.Event.EventId).Distinct().Count());
    }
}
