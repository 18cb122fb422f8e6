using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agile.CustomerService.Application.Cases;
using Agile.CustomerService.Application.Pipeline;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Application.Teams;
using Agile.CustomerService.Domain.Cases;
using Agile.CustomerService.Host.Local;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Agile.CustomerService.Api.Tests;

/// <summary>
/// Seeded, reproducible fault injection (issue 3): many random scenarios of intake (HTTP and the
/// contacts queue), agent actions (some concurrent on one case), availability changes, timers and
/// subscribers, while the store fails before and after commits, deliveries are duplicated 1-3x,
/// reordered across customers, answers are lost after the handler ran, checkpoints fail, and
/// poison contacts arrive. After each scenario the faults stop, the system settles, and the
/// invariants are checked. Reproduce with FAULT_SEED=n; size with FAULT_SCENARIOS=n.
/// </summary>
public class FaultInjectionTests(ITestOutputHelper output)
{
    private static readonly string[] Customers =
        ["cust-00001", "cust-00002", "cust-00003", "cust-00005", "cust-00010", "cust-00025", "cust-00151", "cust-00152", "cust-00161", "cust-00191"];

    [Fact]
    public async Task Scenarios_UnderInjectedFaults_NoInvariantIsViolated()
    {
        var seed = int.Parse(Environment.GetEnvironmentVariable("FAULT_SEED") ?? "20261124", CultureInfo.InvariantCulture);
        var scenarios = int.Parse(Environment.GetEnvironmentVariable("FAULT_SCENARIOS") ?? "200", CultureInfo.InvariantCulture);
        const int scenariosPerApp = 25;
        var random = new Random(seed);
        var plan = new FaultPlan(random);
        var violations = new List<string>();
        var run = 0;

        while (run < scenarios)
        {
            using var app = new TestApp(services =>
            {
                var inner = services.Single(d => d.ServiceType == typeof(IStateStore));
                services.Remove(inner);
                services.AddSingleton(sp => (IStateStore)inner.ImplementationFactory!(sp));
                services.AddSingleton<IStateStore>(sp => new FaultyStore((IStateStore)inner.ImplementationFactory!(sp), plan));
                services.RemoveAll<IDeliveryFaults>();
                services.AddSingleton<IDeliveryFaults>(plan);
            });
            var world = new World();
            for (var i = 0; i < scenariosPerApp && run < scenarios; i++, run++)
            {
                plan.Enabled = true;
                await RunScenarioAsync(app, random, plan, world);
                plan.Enabled = false;
                await QuiesceAsync(app);
                violations.AddRange((await CheckAsync(app, world)).Select(v => $"scenario {run} (seed {seed}): {v}"));
            }
        }

        var summary = $"fault injection: seed {seed}, {run} scenarios run, {plan.Injected} faults injected "
            + $"({plan.Describe()}), {violations.Count} violations";
        output.WriteLine(summary);
        var artifacts = Path.Combine(Repository.Root(), "artifacts");
        Directory.CreateDirectory(artifacts);
        await File.WriteAllTextAsync(Path.Combine(artifacts, "fault-suite.txt"), summary + "\n", TestContext.Current.CancellationToken);
        Assert.True(plan.Injected > run, $"too few faults were injected: {summary}");
        Assert.True(violations.Count == 0, summary + "\n" + string.Join("\n", violations.Take(20)));
    }

    private sealed class World
    {
        public List<(string CustomerId, string ContactId)> Contacts { get; } = [];

        public HashSet<string> Poison { get; } = [];

        public int Counter { get; set; }
    }

    private static async Task RunScenarioAsync(TestApp app, Random random, FaultPlan plan, World world)
    {
        var steps = random.Next(4, 12);
        for (var step = 0; step < steps; step++)
        {
            var customer = Customers[random.Next(Customers.Length)];
            switch (random.Next(9))
            {
                case 0 or 1:
                    var contactId = $"contact-{world.Counter++}";
                    world.Contacts.Add((customer, contactId));
                    await PostContactAsync(app, new { contactId, customerId = customer, channel = "chat", topic = "via queue", tier = random.Next(3) == 0 ? "complex" : "simple" }, customer, contactId);
                    break;
                case 2:
                    var poisonId = $"poison-{world.Counter++}";
                    world.Poison.Add(poisonId);
                    object poison = random.Next(2) == 0
                        ? new { contactId = poisonId, customerId = "cust-unknown", channel = "chat", topic = "x", tier = "simple" }
                        : new { contactId = poisonId, customerId = customer, channel = "chat", topic = "x", tier = "platinum" };
                    await PostContactAsync(app, poison, customer, poisonId);
                    break;
                case 3:
                    var key = $"http-{world.Counter++}";
                    world.Contacts.Add((customer, key));
                    await RetryAsync(() => app.PostAsync("/api/contacts", new { customerId = customer, channel = "phone", topic = "via http", tier = "simple" }, key: key));
                    break;
                case 4 when await PickAsync(app, random, CaseStatus.Offered) is { } offered:
                    // Two agents' clients act on one case at once with the same ETag: one wins.
                    var etag = await ETagAsync(app, offered.Id);
                    await Task.WhenAll(
                        RetryAsync(() => app.PostAsync($"/api/cases/{offered.Id}/accept", new { agentId = offered.OfferedTo }, etag, $"a-{world.Counter++}")),
                        RetryAsync(() => app.PostAsync($"/api/cases/{offered.Id}/decline", new { agentId = offered.OfferedTo, reason = "busy" }, etag, $"d-{world.Counter++}")));
                    break;
                case 5 when await PickAsync(app, random, CaseStatus.InProgress) is { } working:
                    var current = await ETagAsync(app, working.Id);
                    await RetryAsync(() => app.PostAsync($"/api/cases/{working.Id}/resolve", new { agentId = working.AssignedTo, resolution = "done" }, current, $"r-{world.Counter++}"));
                    break;
                case 6:
                    var team = $"north-{1 + random.Next(4)}";
                    await RetryAsync(() => app.PutAsync($"/api/teams/{team}/agents/{team}-a{1 + random.Next(10):D2}/availability", new { available = random.Next(3) != 0 }));
                    break;
                case 7:
                    app.Time.Advance(TimeSpan.FromSeconds(random.Next(10, 150)));
                    await SettleTolerantAsync(app, plan);
                    break;
                default:
                    await SettleTolerantAsync(app, plan);
                    break;
            }
        }
    }

    private static async Task<string> ETagAsync(TestApp app, string caseId)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var response = await app.Client.GetAsync($"/api/cases/{caseId}");
            if (response.IsSuccessStatusCode || attempt >= 50)
            {
                return response.Headers.ETag!.Tag;
            }
        }
    }

    private static async Task PostContactAsync(TestApp app, object body, string sessionId, string contactId)
    {
        var host = app.Service<LocalFunctionsHost>();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await host.PostContactAsync(JsonSerializer.Serialize(body, Json.Options), sessionId, contactId, CancellationToken.None);
                return;
            }
            catch (StoreUnavailableException) when (attempt < 50)
            {
            }
        }
    }

    /// <summary>An at-least-once client: retries server errors with the same request (and Idempotency-Key).</summary>
    private static async Task RetryAsync(Func<Task<HttpResponseMessage>> send)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var response = await send();
            if ((int)response.StatusCode < 500)
            {
                return;
            }
        }

        throw new InvalidOperationException("the request kept failing with a server error");
    }

    private static async Task SettleTolerantAsync(TestApp app, FaultPlan plan)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            try
            {
                await app.Service<LocalFunctionsHost>().RunUntilQuietAsync(CancellationToken.None, maxRounds: 10);
                return;
            }
            catch (StoreUnavailableException)
            {
                // An injected fault in the runner's own bookkeeping: the next round retries.
            }
        }

        Assert.Fail($"the pipeline did not settle ({plan.Describe()})");
    }

    private static async Task QuiesceAsync(TestApp app)
    {
        await app.SettleAsync();
        for (var i = 0; i < 2; i++)
        {
            // Let every offer timeout and spill check that a fault may have left behind run out.
            await app.AdvanceAsync(TimeSpan.FromSeconds(70));
        }
    }

    private static async Task<SupportCase?> PickAsync(TestApp app, Random random, CaseStatus status)
    {
        var cases = (await Invariants.CasesAsync(app, Customers)).Where(c => c.Status == status).ToList();
        return cases.Count == 0 ? null : cases[random.Next(cases.Count)];
    }

    private static async Task<List<string>> CheckAsync(TestApp app, World world)
    {
        var violations = await Invariants.CheckAsync(app, Customers);
        var store = app.Service<IStateStore>();

        // No lost case: every accepted contact opened exactly its case (the record is written with it).
        foreach (var (customer, key) in world.Contacts)
        {
            if (await store.ReadAsync(Partitions.Customer(customer), $"cmd:{key}", CancellationToken.None) is null)
            {
                violations.Add($"contact {key} of {customer} opened no case");
            }
        }

        // Dead letters only for the poison messages, and every poison message dead-lettered.
        var dead = (await app.Service<LocalBus>().DeadLettersAsync(CancellationToken.None)).Select(d => d.MessageId).ToHashSet();
        violations.AddRange(dead.Except(world.Poison).Select(d => $"message {d} was dead-lettered but is not poison"));
        violations.AddRange(world.Poison.Except(dead).Select(p => $"poison message {p} was not dead-lettered"));

        // Nothing left in flight: queues empty, change feed read to the end.
        var host = app.Service<LocalFunctionsHost>();
        foreach (var entity in host.Functions.Select(f => f.Entity).OfType<string>())
        {
            var left = (await app.Service<LocalBus>().PeekAsync(entity, CancellationToken.None)).Count;
            if (left > 0)
            {
                violations.Add($"{left} messages left on {entity}");
            }
        }

        var checkpoint = await store.ReadAsync<Checkpoint>(Partitions.Checkpoints, "CaseEventsPublisher", CancellationToken.None);
        if ((await store.ReadChangesAsync(checkpoint?.Value.Continuation, 1, CancellationToken.None)).Changes.Count > 0)
        {
            violations.Add("the change feed was not read to the end");
        }

        // Every event published and applied exactly once: rollups count each opened case once,
        // and every board shows each case at its latest version.
        var cases = await Invariants.CasesAsync(app, Customers);
        var rollups = app.Service<DailyRollupProjection>();
        var board = app.Service<BoardProjection>();
        for (var t = 1; t <= Invariants.Teams; t++)
        {
            var team = $"north-{t}";
            var opened = (await rollups.ReadAsync(team, CancellationToken.None)).Sum(r => r.Opened);
            var expected = cases.Count(c => c.OwningTeamId == team);
            if (opened != expected)
            {
                violations.Add($"team {team}: rollup counts {opened} opened cases, {expected} were opened");
            }

            foreach (var entry in (await board.ReadAsync(team, CancellationToken.None)).Where(e => e.Role == BoardRole.Owner))
            {
                var c = cases.Single(x => x.Id == entry.CaseId);
                if (entry.Version != c.Version)
                {
                    violations.Add($"board of {team} shows case {c.Id} at version {entry.Version}, it is at {c.Version}");
                }
            }
        }

        return violations;
    }
}

/// <summary>The seeded source of every injected fault, and its tally.</summary>
internal sealed class FaultPlan(Random random) : IDeliveryFaults
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _counts = [];

    public bool Enabled { get; set; }

    public int Injected => _counts.Values.Sum();

    public string Describe()
    {
        lock (_lock)
        {
            return string.Join(", ", _counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}"));
        }
    }

    public bool Roll(string fault, double probability)
    {
        lock (_lock)
        {
            if (!Enabled || random.NextDouble() >= probability)
            {
                return false;
            }

            _counts[fault] = _counts.GetValueOrDefault(fault) + 1;
            return true;
        }
    }

    public int Copies(string function) => Roll("duplicate delivery", 0.1) ? 2 + NextInt(2) : 1;

    public void AfterInvoke(string function)
    {
        if (Roll("answer lost after the handler ran", 0.05))
        {
            throw new StoreUnavailableException("injected: the invocation's answer was lost");
        }
    }

    public void BeforeCheckpoint()
    {
        if (Roll("crash before checkpoint", 0.1))
        {
            throw new StoreUnavailableException("injected: crash before the checkpoint");
        }
    }

    public IReadOnlyList<int> Order(IReadOnlyList<string?> sessions)
    {
        var identity = Enumerable.Range(0, sessions.Count).ToList();
        if (sessions.Count < 2 || !Roll("reordering across customers", 0.3))
        {
            return identity;
        }

        // Interleave sessions randomly while keeping each session's own order.
        var queues = identity.GroupBy(i => sessions[i] ?? $"#{i}").Select(g => new Queue<int>(g)).ToList();
        var order = new List<int>(sessions.Count);
        while (queues.Count > 0)
        {
            var pick = NextInt(queues.Count);
            order.Add(queues[pick].Dequeue());
            if (queues[pick].Count == 0)
            {
                queues.RemoveAt(pick);
            }
        }

        return order;
    }

    private int NextInt(int max)
    {
        lock (_lock)
        {
            return random.Next(max);
        }
    }
}

/// <summary>The real store with injected failures: before a commit (nothing written) or after it (written, answer lost).</summary>
internal sealed class FaultyStore(IStateStore inner, FaultPlan plan) : IStateStore
{
    public Task<StoredDocument?> ReadAsync(string partition, string id, CancellationToken cancellationToken) =>
        plan.Roll("read failure", 0.005) ? throw new StoreUnavailableException("injected: read failed") : inner.ReadAsync(partition, id, cancellationToken);

    public Task<IReadOnlyList<StoredDocument>> QueryAsync(string partition, string kind, CancellationToken cancellationToken) =>
        inner.QueryAsync(partition, kind, cancellationToken);

    public Task<IReadOnlyList<StoredDocument>> QueryDueAsync(string partition, string kind, DateTimeOffset dueBy, int max, CancellationToken cancellationToken) =>
        inner.QueryDueAsync(partition, kind, dueBy, max, cancellationToken);

    public async Task<CommitResult> CommitAsync(string partition, IReadOnlyList<WriteOperation> writes, IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken)
    {
        if (plan.Roll("failure before a commit", 0.02))
        {
            throw new StoreUnavailableException("injected: commit failed before writing");
        }

        var result = await inner.CommitAsync(partition, writes, events, cancellationToken);
        if (result is Committed && plan.Roll("crash after a commit", 0.02))
        {
            throw new StoreUnavailableException("injected: crash after the commit");
        }

        return result;
    }

    public Task<ChangePage> ReadChangesAsync(string? continuation, int max, CancellationToken cancellationToken) =>
        inner.ReadChangesAsync(continuation, max, cancellationToken);
}
