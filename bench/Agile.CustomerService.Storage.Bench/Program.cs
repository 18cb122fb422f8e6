using System.Diagnostics;
using System.Globalization;
using System.Net;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Storage.Cosmos;
using Microsoft.Azure.Cosmos;

// Storage benchmark against the local Cosmos DB server (tests/stand-ins/cosmos):
// the floor (raw SDK point writes, no domain work), the same intake-sized batch through the raw
// SDK, and CosmosStateStore commits of that batch, side by side in one run.
//   dotnet run -c Release --project bench/Agile.CustomerService.Storage.Bench [-- --iterations N --rounds R --concurrency 1,8]
var iterations = Argument("--iterations", 1000);
var rounds = Argument("--rounds", 3);
var concurrencies = (ArgumentText("--concurrency") ?? "1,8").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
var endpoint = Environment.GetEnvironmentVariable("COSMOS_ENDPOINT") is { Length: > 0 } e ? e : "https://127.0.0.1:8081/";

var options = new CosmosStoreOptions
{
    AccountEndpoint = endpoint,
    Database = "agilecs-bench",
    Container = $"state-{Guid.NewGuid():N}",
    UseEmulatorKey = true,
    SlowRequestThreshold = TimeSpan.FromSeconds(10),
};
using var client = CosmosStateStore.CreateClient(options);
Container container;
try
{
    container = await CosmosStateStore.CreateIfNotExistsAsync(client, options, CancellationToken.None);
}
catch (HttpRequestException ex)
{
    Console.Error.WriteLine($"The local Cosmos DB server is not reachable at {endpoint} ({ex.Message}). Start it with `source tests/stand-ins/cosmos/start.sh`.");
    return 1;
}

using var store = new CosmosStateStore(container, options, TimeProvider.System);
var customerJson = Json.Write(new { id = "c", name = "Ada Lovelace", email = "ada@example.org", language = "en", owningTeam = "team-7", openCases = 1, tier = "gold", createdAt = DateTimeOffset.UnixEpoch });
var caseJson = Json.Write(new { id = "x", customerId = "c", status = "Queued", channel = "email", subject = new string('s', 120), body = new string('b', 600), priority = "normal", teamId = "team-7", openedAt = DateTimeOffset.UnixEpoch, version = 1 });
var commandJson = Json.Write(new { commandId = "k", outcome = "accepted", outputs = new List<string> { "e1", "e2" } });
var eventJson = Json.Write(new { caseId = "x", customerId = "c", teamId = "team-7", at = DateTimeOffset.UnixEpoch, subject = new string('s', 120) });

Console.WriteLine($"endpoint {endpoint}, {rounds} rounds x {iterations} operations per row, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
Console.WriteLine();
Console.WriteLine("| scenario | concurrency | ops/s (median of rounds) | p50 ms | p99 ms | writes/op |");
Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
foreach (var concurrency in concurrencies)
{
    var scenarios = new (string Name, int Writes, Func<int, int, Task> Operation)[]
    {
        ("floor: raw SDK point write (1 KB, create)", 1, async (round, i) =>
        {
            var pk = $"customer:floor-{concurrency}-{round}-{i}";
            using var response = await container.CreateItemStreamAsync(Item(pk, "case-1", "case", caseJson), new PartitionKey(pk));
            Ensure(response.StatusCode == HttpStatusCode.Created, response.StatusCode);
        }),
        ("raw SDK TransactionalBatch, intake items", 5, async (round, i) =>
        {
            var pk = $"customer:batch-{concurrency}-{round}-{i}";
            using var response = await container.CreateTransactionalBatch(new PartitionKey(pk))
                .UpsertItemStream(Item(pk, "customer", "customer", customerJson))
                .CreateItemStream(Item(pk, "case-1", "case", caseJson))
                .CreateItemStream(Item(pk, "command:k", "command", commandJson))
                .CreateItemStream(Item(pk, "event:e1", "event", eventJson))
                .CreateItemStream(Item(pk, "event:e2", "event", eventJson))
                .ExecuteAsync();
            Ensure(response.IsSuccessStatusCode, response.StatusCode);
        }),
        ("CosmosStateStore.CommitAsync, intake (3 docs + 2 events)", 5, async (round, i) =>
        {
            var pk = Partitions.Customer($"store-{concurrency}-{round}-{i}");
            var result = await store.CommitAsync(
                pk,
                [
                    new PutDocument("customer", Kinds.Customer, customerJson, PutDocument.Any),
                    new PutDocument("case-1", Kinds.Case, caseJson, null),
                    new PutDocument("command:k", Kinds.Command, commandJson, null, null, TimeSpan.FromDays(7)),
                ],
                [new OutboxEvent($"e1-{i}", "CaseOpened", eventJson, "k"), new OutboxEvent($"e2-{i}", "CaseQueued", eventJson, "k")],
                CancellationToken.None);
            Ensure(result is Committed, result);
        }),
        ("CosmosStateStore.ReadAsync (point read)", 0, async (round, i) =>
        {
            var document = await store.ReadAsync(Partitions.Customer($"store-{concurrency}-{round}-{i}"), "case-1", CancellationToken.None);
            Ensure(document is not null, "missing");
        }),
    };

    // warm-up round (not reported), then rounds interleaved so that noise hits every scenario alike
    var results = scenarios.Select(_ => (Throughputs: new List<double>(), Latencies: new List<double>())).ToArray();
    for (var round = 0; round <= rounds; round++)
    {
        for (var s = 0; s < scenarios.Length; s++)
        {
            var count = round == 0 ? Math.Min(200, iterations) : iterations;
            var (throughput, latencies) = await RunAsync(concurrency, count, i => scenarios[s].Operation(round, i));
            if (round > 0)
            {
                results[s].Throughputs.Add(throughput);
                results[s].Latencies.AddRange(latencies);
            }
        }
    }

    for (var s = 0; s < scenarios.Length; s++)
    {
        var latencies = results[s].Latencies.Order().ToArray();
        var throughput = results[s].Throughputs.Order().ElementAt(results[s].Throughputs.Count / 2);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {scenarios[s].Name} | {concurrency} | {throughput:F0} | {Percentile(latencies, 0.50):F2} | {Percentile(latencies, 0.99):F2} | {scenarios[s].Writes} |"));
    }
}

await container.DeleteContainerStreamAsync();
return 0;

static async Task<(double Throughput, double[] Latencies)> RunAsync(int concurrency, int count, Func<int, Task> operation)
{
    var latencies = new double[count];
    var next = -1;
    var total = Stopwatch.StartNew();
    var workers = Enumerable.Range(0, concurrency).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < count)
        {
            var started = Stopwatch.GetTimestamp();
            await operation(i);
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
    });
    await Task.WhenAll(workers);
    return (count / total.Elapsed.TotalSeconds, latencies);
}

static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

static MemoryStream Item(string pk, string id, string kind, string body) =>
    new(System.Text.Encoding.UTF8.GetBytes($$"""{"id":"{{id}}","pk":"{{pk}}","kind":"{{kind}}","body":{{body}}}"""));

static void Ensure(bool ok, object what)
{
    if (!ok)
    {
        throw new InvalidOperationException($"unexpected result: {what}");
    }
}

int Argument(string name, int fallback) =>
    ArgumentText(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

string? ArgumentText(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
