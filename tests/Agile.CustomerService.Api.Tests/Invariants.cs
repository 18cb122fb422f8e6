using Agile.CustomerService.Application.Cases;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Application.Teams;
using Agile.CustomerService.Domain.Cases;
using Agile.CustomerService.Domain.Organisation;

namespace Agile.CustomerService.Api.Tests;

/// <summary>The model's invariants, checked on stored state; each broken one is reported as a sentence.</summary>
internal static class Invariants
{
    public const int Teams = 6;

    public static async Task<IReadOnlyList<SupportCase>> CasesAsync(TestApp app, IEnumerable<string> customers)
    {
        var store = app.Service<IStateStore>();
        var all = new List<SupportCase>();
        foreach (var customer in customers)
        {
            var documents = await store.QueryAsync<CaseDocument>(Partitions.Customer(customer), Kinds.Case, CancellationToken.None);
            all.AddRange(documents.Select(d => d.Value.State));
        }

        return all;
    }

    public static async Task<List<string>> CheckAsync(TestApp app, IEnumerable<string> customers)
    {
        var violations = new List<string>();
        var store = app.Service<IStateStore>();
        var cases = await CasesAsync(app, customers);
        var teams = new Dictionary<string, TeamState>();
        for (var t = 1; t <= Teams; t++)
        {
            teams[$"north-{t}"] = (await TeamState.LoadAsync(store, $"north-{t}", withQueue: true, CancellationToken.None))!;
        }

        foreach (var group in cases.GroupBy(c => c.CustomerId))
        {
            var customer = (await store.ReadAsync<Customer>(Partitions.Customer(group.Key), Kinds.Customer, CancellationToken.None))!.Value;
            if (customer.OwningTeamId is null || customer.Ownership.Count != 1)
            {
                violations.Add($"customer {customer.Id} has owner {customer.OwningTeamId} after {customer.Ownership.Count} ownership changes");
            }

            violations.AddRange(group.Where(c => c.OwningTeamId != customer.OwningTeamId)
                .Select(c => $"case {c.Id} is owned by {c.OwningTeamId}, its customer by {customer.OwningTeamId}"));
        }

        var holds = teams.Values.SelectMany(t => t.Dispatch.Agents.SelectMany(a => a.Loads.Select(l => (Team: t.Dispatch.TeamId, Agent: a.AgentId, l.CaseId)))).ToList();
        violations.AddRange(teams.Values.SelectMany(t => t.Dispatch.Agents).Where(a => a.Loads.Count > a.Capacity)
            .Select(a => $"agent {a.AgentId} holds {a.Loads.Count} cases, capacity {a.Capacity}"));
        violations.AddRange(holds.GroupBy(h => h.CaseId).Where(g => g.Count() > 1).Select(g => $"case {g.Key} is held {g.Count()} times"));

        foreach (var c in cases)
        {
            var held = holds.Where(h => h.CaseId == c.Id).ToList();
            var queuedIn = teams.Values.Where(t => t.Dispatch.Queue.Any(q => q.CaseId == c.Id)).Select(t => t.Dispatch.TeamId).ToList();
            var problem = c.Status switch
            {
                CaseStatus.Offered when held is not [var h] || h.Team != c.HandlingTeamId || h.Agent != c.OfferedTo || queuedIn.Count > 0 =>
                    $"offered case {c.Id} (to {c.OfferedTo}) is held by [{string.Join(",", held.Select(x => x.Agent))}], queued in [{string.Join(",", queuedIn)}]",
                CaseStatus.InProgress when held is not [var h] || h.Team != c.HandlingTeamId || h.Agent != c.AssignedTo || queuedIn.Count > 0 =>
                    $"case {c.Id} in progress with {c.AssignedTo} is held by [{string.Join(",", held.Select(x => x.Agent))}], queued in [{string.Join(",", queuedIn)}]",
                CaseStatus.Queued or CaseStatus.New when held.Count > 0 || queuedIn.Count != 1 || queuedIn[0] != c.HandlingTeamId =>
                    $"waiting case {c.Id} of {c.HandlingTeamId} is held by [{string.Join(",", held.Select(x => x.Agent))}], queued in [{string.Join(",", queuedIn)}]",
                CaseStatus.SelfService or CaseStatus.Resolved or CaseStatus.Closed when held.Count > 0 || queuedIn.Count > 0 =>
                    $"{c.Status} case {c.Id} is still held or queued",
                _ => null,
            };
            if (problem is not null)
            {
                violations.Add(problem);
            }

            var stored = (await store.ReadAsync<CaseDocument>(Partitions.Customer(c.CustomerId), c.Id, CancellationToken.None))!.Value;
            if (stored.History.Count != stored.State.Version)
            {
                violations.Add($"case {c.Id} has {stored.History.Count} events but version {stored.State.Version}");
            }
        }

        var page = await store.ReadChangesAsync(null, 1_000_000, CancellationToken.None);
        if (page.Changes.Count != page.Changes.Select(ch => ch.Event.EventId).Distinct().Count())
        {
            violations.Add("an event is in the outbox twice");
        }

        return violations;
    }
}
