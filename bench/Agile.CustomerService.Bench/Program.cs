// Intake-to-offer benchmark (issue 2): the real host on loopback over the SQLite store,
// side by side with the floor (raw SQLite conditional writes, no HTTP, no domain work) and the
// HTTP floor (an intake's three authenticated requests, one such write each, no product; HttpFloor.cs),
// at two book sizes to show the cost per intake stays flat.
//
//   dotnet run -c Release --project bench/Agile.CustomerService.Bench -- [--intakes 20000] [--concurrency 16] [--sizes 10000,1000000]
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Agile.CustomerService.Application.Admin;
using Agile.CustomerService.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

if (args.FirstOrDefault() == HttpFloor.ServerFlag)
{
    return await HttpFloor.ServeAsync(args);
}

var options = BenchOptions.Parse(args);
var root = RepoRoot();
var hostDll = Path.Combine(root, "functions", "Agile.CustomerService.Host", "bin", "Release", "net10.0", "Agile.CustomerService.Host.dll");
if (!File.Exists(hostDll))
{
    Console.Error.WriteLine($"host not built: {hostDll}\nrun: dotnet build -c Release functions/Agile.CustomerService.Host");
    return 1;
}

if (options.SoakSeconds > 0)
{
    return await Soak.RunAsync(hostDll, options);
}

Console.WriteLine($"intake-to-offer benchmark: {options.Intakes} intakes per run, {options.Concurrency} concurrent clients, {Environment.ProcessorCount} cores");
var results = new List<(int Customers, Stats Intake, Stats Floor, long MemoryStart, long MemoryEnd, double CpuPerIntake, Stats HttpFloor, double HttpFloorCpuPerIntake)>();
foreach (var customers in options.Sizes)
{
    var work = Path.Combine(Path.GetTempPath(), "acs-bench", Guid.NewGuid().ToString("N"));
    Directory.CreateDirectory(work);
    try
    {
        var db = Path.Combine(work, "bench.db");
        await SeedHelper.SeedAsync(db, customers);
        var floor = await Floor.RunAsync(Path.Combine(work, "floor.db"), options.Intakes, options.Concurrency);
        var httpFloor = await HttpFloor.RunAsync(work, options.Intakes, options.Concurrency, options.Port + 1);
        using var host = HostProcess.Start(hostDll, db, options.Port);
        await host.WaitReadyAsync();
        IntakeLoad.Tokens = await BenchTokens.LoadAsync(hostDll, db);
        var memoryStart = host.WorkingSet();
        var intake = await IntakeLoad.RunAsync(host.BaseAddress, customers, options.Intakes, options.Concurrency, host.ProcessorTime);
        var memoryEnd = host.WorkingSet();
        results.Add((customers, intake, floor, memoryStart, memoryEnd, IntakeLoad.HostCpu.TotalMilliseconds / intake.Count, httpFloor, HttpFloor.ServerCpu.TotalMilliseconds / httpFloor.Count));
        Console.WriteLine($"  {customers,9:N0} customers  intake {intake}  |  floor {floor}  |  HTTP floor {httpFloor}");
        Console.WriteLine($"             offered at intake {IntakeLoad.Counts.OfferedAtIntake}, queued at intake {IntakeLoad.Counts.QueuedAtIntake}, offers found by polling {IntakeLoad.Counts.FoundByPolling}, answered (accepted and resolved) {IntakeLoad.Counts.Answered}, accept p50 {IntakeLoad.Counts.P50(IntakeLoad.Counts.AcceptMs):F2} ms, resolve p50 {IntakeLoad.Counts.P50(IntakeLoad.Counts.ResolveMs):F2} ms");
    }
    finally
    {
        SqliteConnection.ClearAllPools();
        WorkFolder.Remove(work);
    }
}

Console.WriteLine();
Console.WriteLine("| customers | intakes/s | p50 ms | p99 ms | host CPU ms per intake | floor writes/s | floor p50 ms | floor p99 ms | p50 / floor p50 | throughput floor / intake | host memory start -> end MB |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var (customers, intake, floor, start, end, cpu, _, _) in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {customers:N0} | {intake.PerSecond:F0} | {intake.P50:F2} | {intake.P99:F2} | {cpu:F2} | {floor.PerSecond:F0} | {floor.P50:F2} | {floor.P99:F2} | {intake.P50 / floor.P50:F2}x | {floor.PerSecond / intake.PerSecond:F2}x | {start / 1048576} -> {end / 1048576} |"));
}

Console.WriteLine();
Console.WriteLine("HTTP floor: per intake, three authenticated requests (RS256 token, JSON body), each one conditional SQLite write and a JSON answer; no domain (HttpFloor.cs)");
Console.WriteLine("| customers | intakes/s | HTTP floor intakes/s | HTTP floor p50 ms | HTTP floor p99 ms | HTTP floor server CPU ms per intake | HTTP floor / intake | floor writes/s / HTTP floor requests/s |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var (customers, intake, floor, _, _, _, httpFloor, httpCpu) in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {customers:N0} | {intake.PerSecond:F0} | {httpFloor.PerSecond:F0} | {httpFloor.P50:F2} | {httpFloor.P99:F2} | {httpCpu:F2} | {httpFloor.PerSecond / intake.PerSecond:F2}x | {floor.PerSecond / (3 * httpFloor.PerSecond):F2}x |"));
}

if (results.Count >= 2)
{
    var small = results[0].Intake;
    var large = results[^1].Intake;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"\ncost per intake, {results[^1].Customers:N0} vs {results[0].Customers:N0} customers: {small.PerSecond / large.PerSecond:F2}x (time per intake), p50 {large.P50 / small.P50:F2}x"));
}

return 0;

static string RepoRoot()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Agile.CustomerService.sln")))
    {
        dir = dir.Parent;
    }

    return dir?.FullName ?? throw new InvalidOperationException("run from inside the repository");
}

internal sealed record BenchOptions(int Intakes, int Concurrency, int[] Sizes, int Port, int SoakSeconds)
{
    public static BenchOptions Parse(string[] args)
    {
        string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        return new BenchOptions(
            int.Parse(Arg("--intakes") ?? "20000", CultureInfo.InvariantCulture),
            int.Parse(Arg("--concurrency") ?? "16", CultureInfo.InvariantCulture),
            (Arg("--sizes") ?? "10000,1000000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(),
            int.Parse(Arg("--port") ?? "7391", CultureInfo.InvariantCulture),
            int.Parse(Arg("--soak") ?? "0", CultureInfo.InvariantCulture));
    }
}

internal sealed record Stats(double PerSecond, double P50, double P99, int Count)
{
    public static Stats From(List<double> latenciesMs, TimeSpan elapsed)
    {
        latenciesMs.Sort();
        double At(double q) => latenciesMs[Math.Min(latenciesMs.Count - 1, (int)(q * latenciesMs.Count))];
        return new Stats(latenciesMs.Count / elapsed.TotalSeconds, At(0.50), At(0.99), latenciesMs.Count);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{PerSecond,7:F0}/s p50 {P50:F2} ms p99 {P99:F2} ms");
}

/// <summary>Agents' clients: each intake that gets an offer is accepted and resolved, so capacity stays steady.</summary>
internal static class IntakeLoad
{
    /// <summary>Bearer tokens: the channel's (intake) and each agent's (accept, resolve).</summary>
    public static BenchTokens Tokens { get; set; } = new("", new Dictionary<string, string>());

    /// <summary>The host's CPU time (user and system, all threads) over the timed phase of the last run.</summary>
    public static TimeSpan HostCpu { get; private set; }

    public static async Task<Stats> RunAsync(Uri baseAddress, int customers, int intakes, int concurrency, Func<TimeSpan> hostCpu)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2 }) { BaseAddress = baseAddress };
        await RunPhaseAsync(http, customers, Math.Min(2000, intakes / 10), concurrency, new List<double>());
        var latencies = new List<double>(intakes);
        Counts.Reset();
        var cpuStart = hostCpu();
        var clock = Stopwatch.StartNew();
        await RunPhaseAsync(http, customers, intakes, concurrency, latencies);
        var elapsed = clock.Elapsed;
        HostCpu = hostCpu() - cpuStart;
        return Stats.From(latencies, elapsed);
    }

    /// <summary>Runs intakes for a fixed time instead of a fixed count (the soak).</summary>
    public static async Task<Stats> RunForAsync(Uri baseAddress, int customers, TimeSpan duration, int concurrency)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2 }) { BaseAddress = baseAddress };
        var latencies = new List<double>();
        var clock = Stopwatch.StartNew();
        await RunPhaseAsync(http, customers, int.MaxValue, concurrency, latencies, () => clock.Elapsed >= duration);
        return Stats.From(latencies, clock.Elapsed);
    }

    /// <summary>
    /// Intake clients post contacts and time each intake-to-offer. Agent clients answer every
    /// offer (accept, then resolve) alongside, so capacity keeps coming back: the offers an
    /// intake answers with, and the offers the dispatch reactor makes later from a team's queue,
    /// which the agents find by polling their team (as a worklist would). Throughput counts intakes.
    /// </summary>
    private static async Task RunPhaseAsync(HttpClient http, int customers, int intakes, int concurrency, List<double> latencies, Func<bool>? stop = null)
    {
        var next = -1;
        var owned = customers * 4 / 5 - DemoSeed.NeverContacted;
        var offers = System.Threading.Channels.Channel.CreateUnbounded<(string CaseId, string Agent, string? ETag)>();
        var claimed = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        using var intakeDone = new CancellationTokenSource();
        var answerers = Enumerable.Range(0, Math.Max(1, concurrency / 2)).Select(async _ =>
        {
            await foreach (var (caseId, agent, etag) in offers.Reader.ReadAllAsync())
            {
                if (await AnswerAsync(http, caseId, agent, etag) == Answer.NotYetOffered)
                {
                    // Reserved but not yet offered (the reservation is written first): look again later.
                    claimed.TryRemove(caseId, out var _);
                }
            }
        }).ToList();
        var pollers = Enumerable.Range(1, DemoSeed.TeamCount).Select(t => PollTeamAsync(http, DemoSeed.TeamId(t), offers.Writer, claimed, intakeDone.Token)).ToList();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var random = new Random(worker);
            var mine = new List<double>();
            while (Interlocked.Increment(ref next) < intakes && stop?.Invoke() != true)
            {
                var customer = DemoSeed.CustomerId(1 + random.Next(owned));
                var started = Stopwatch.GetTimestamp();
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/contacts")
                {
                    Content = JsonContent.Create(new { customerId = customer, channel = "phone", topic = "bench", tier = "simple" }),
                };
                request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Tokens.Channel);
                using var response = await http.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"intake failed: {(int)response.StatusCode} {body}");
                }

                var c = JsonDocument.Parse(body).RootElement.GetProperty("case");
                if (c.GetProperty("status").GetString() == "offered")
                {
                    Interlocked.Increment(ref Counts.OfferedAtIntake);
                    var caseId = c.GetProperty("id").GetString()!;
                    if (claimed.TryAdd(caseId, true))
                    {
                        // The agent answers in line, so every client has at most one case open:
                        // capacity returns at the rate intakes arrive (the answers are not timed).
                        await AnswerAsync(http, caseId, c.GetProperty("offeredTo").GetString()!, response.Headers.ETag!.Tag);
                    }
                }
                else
                {
                    Interlocked.Increment(ref Counts.QueuedAtIntake);
                }
            }

            lock (latencies)
            {
                latencies.AddRange(mine);
            }
        }));
        await intakeDone.CancelAsync();
        await Task.WhenAll(pollers);
        offers.Writer.Complete();
        await Task.WhenAll(answerers);
    }

    /// <summary>What the intakes of a run answered with, and how many offers the agents answered.</summary>
    public static class Counts
    {
        public static int OfferedAtIntake;
        public static int QueuedAtIntake;
        public static int Answered;
        public static int FoundByPolling;

        public static readonly List<double> AcceptMs = [];
        public static readonly List<double> ResolveMs = [];

        public static void Reset()
        {
            OfferedAtIntake = QueuedAtIntake = Answered = FoundByPolling = 0;
            lock (AcceptMs)
            {
                AcceptMs.Clear();
                ResolveMs.Clear();
            }
        }

        public static void Add(List<double> list, double ms)
        {
            lock (AcceptMs)
            {
                list.Add(ms);
            }
        }

        public static double P50(List<double> list)
        {
            lock (AcceptMs)
            {
                return list.Count == 0 ? 0 : list.Order().ElementAt(list.Count / 2);
            }
        }
    }

    private enum Answer
    {
        Answered,
        NotYetOffered,
        Gone,
    }

    /// <summary>
    /// An agent's worklist: the team's loads with an expiry, read every 100 ms. A case once
    /// answered stays claimed: its load keeps its expiry until the dispatch reactor confirms it.
    /// </summary>
    private static async Task PollTeamAsync(
        HttpClient http, string teamId, System.Threading.Channels.ChannelWriter<(string, string, string?)> offers,
        System.Collections.Concurrent.ConcurrentDictionary<string, bool> claimed, CancellationToken stop)
    {
        var reader = Tokens.Agents[$"{teamId}-a01"];
        while (!stop.IsCancellationRequested)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/teams/{teamId}");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", reader);
            using var response = await http.SendAsync(request, CancellationToken.None);
            var team = JsonDocument.Parse(await response.Content.ReadAsStringAsync(CancellationToken.None)).RootElement;
            foreach (var agent in team.GetProperty("agents").EnumerateArray())
            {
                foreach (var load in agent.GetProperty("loads").EnumerateArray())
                {
                    var caseId = load.GetProperty("caseId").GetString()!;
                    if (load.GetProperty("expiresAt").ValueKind != JsonValueKind.Null && claimed.TryAdd(caseId, true))
                    {
                        Interlocked.Increment(ref Counts.FoundByPolling);
                        offers.TryWrite((caseId, agent.GetProperty("agentId").GetString()!, null));
                    }
                }
            }

            try
            {
                await Task.Delay(100, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>Accepts and resolves a case offered to the agent; an offer found by polling is read first for its ETag.</summary>
    private static async Task<Answer> AnswerAsync(HttpClient http, string caseId, string agent, string? etag)
    {
        if (etag is null)
        {
            using var read = new HttpRequestMessage(HttpMethod.Get, $"/api/cases/{caseId}");
            read.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Tokens.Agents[agent]);
            using var current = await http.SendAsync(read);
            var body = await current.Content.ReadAsStringAsync();
            if (!current.IsSuccessStatusCode || current.Headers.ETag is null)
            {
                return Answer.Gone;
            }

            var c = JsonDocument.Parse(body).RootElement.GetProperty("case");
            var status = c.GetProperty("status").GetString();
            if (status is "new" or "queued")
            {
                return Answer.NotYetOffered;
            }

            if (status != "offered" || c.GetProperty("offeredTo").GetString() != agent)
            {
                return Answer.Gone;
            }

            etag = current.Headers.ETag.Tag;
        }

        var started = Stopwatch.GetTimestamp();
        using var accepted = await PostAsync(http, $"/api/cases/{caseId}/accept", new { agentId = agent }, etag);
        Counts.Add(Counts.AcceptMs, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        if (accepted.IsSuccessStatusCode && accepted.Headers.ETag is { } next)
        {
            started = Stopwatch.GetTimestamp();
            using var resolved = await PostAsync(http, $"/api/cases/{caseId}/resolve", new { agentId = agent, resolution = "bench" }, next.Tag);
            Counts.Add(Counts.ResolveMs, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (resolved.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref Counts.Answered);
                return Answer.Answered;
            }
        }

        return Answer.Gone;
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string url, object body, string etag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        var agent = ((System.Text.Json.JsonElement)System.Text.Json.JsonSerializer.SerializeToElement(body)).GetProperty("agentId").GetString()!;
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Tokens.Agents[agent]);
        var response = await http.SendAsync(request);
        await response.Content.ReadAsStringAsync();
        return response;
    }
}

/// <summary>The floor: the same number of conditional writes straight to SQLite, same concurrency, no HTTP or domain.</summary>
internal static class Floor
{
    public static async Task<Stats> RunAsync(string path, int writes, int concurrency)
    {
        using var store = new FloorStore(path);
        var latencies = new List<double>(writes);
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            var mine = new List<double>();
            while (Interlocked.Increment(ref next) < writes)
            {
                var id = $"doc-{1 + random.Next(FloorStore.Documents)}";
                var started = Stopwatch.GetTimestamp();
                await store.WriteAsync(id);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            lock (latencies)
            {
                latencies.AddRange(mine);
            }
        })));
        return Stats.From(latencies, clock.Elapsed);
    }
}

/// <summary>
/// The floor's write: in one transaction on one connection (taken in turn, as the host's store
/// does), read a document's version and update it where the version is still the one read, in
/// SQLite's WAL mode. A document of 1,500 characters, about a case's size.
/// </summary>
internal sealed class FloorStore : IDisposable
{
    public const int Documents = 1000;

    private static readonly string Payload = new('x', 1500);

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public FloorStore(string path)
    {
        _connection = new SqliteConnection($"Data Source={path}");
        _connection.Open();
        Execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; CREATE TABLE docs (id TEXT PRIMARY KEY, version INTEGER NOT NULL, json TEXT NOT NULL) WITHOUT ROWID;");
        Execute($"WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < {Documents}) INSERT INTO docs SELECT 'doc-' || v, 1, '{{}}' FROM n");
    }

    /// <summary>The document's new version.</summary>
    public async Task<long> WriteAsync(string id)
    {
        await _gate.WaitAsync();
        try
        {
            using var tx = _connection.BeginTransaction();
            using var read = _connection.CreateCommand();
            read.Transaction = tx;
            read.CommandText = "SELECT version FROM docs WHERE id = $id";
            read.Parameters.AddWithValue("$id", id);
            var version = (long)read.ExecuteScalar()!;
            using var write = _connection.CreateCommand();
            write.Transaction = tx;
            write.CommandText = "UPDATE docs SET version = version + 1, json = $j WHERE id = $id AND version = $v";
            write.Parameters.AddWithValue("$id", id);
            write.Parameters.AddWithValue("$j", Payload);
            write.Parameters.AddWithValue("$v", version);
            var written = write.ExecuteNonQuery();
            tx.Commit();
            return written == 1 ? version + 1 : throw new InvalidOperationException($"{id} changed under the gate");
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _connection.Dispose();
        _gate.Dispose();
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

internal sealed class HostProcess : IDisposable
{
    private readonly Process _process;

    private HostProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static HostProcess Start(string hostDll, string db, int port)
    {
        var info = new ProcessStartInfo("dotnet", [hostDll, "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(hostDll)!,
        };
        info.Environment["Store__SqlitePath"] = db;
        info.Environment["Seed__Demo"] = "false";
        info.Environment["Pipeline__RunLocally"] = Environment.GetEnvironmentVariable("BENCH_PIPELINE") ?? "true";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine($"  host: {e.Data}"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new HostProcess(process, new Uri($"http://127.0.0.1:{port}"));
    }

    public Task WaitReadyAsync() => WaitReadyAsync(new Uri(BaseAddress, "/api/health"), "host");

    /// <summary>Waits up to 30 s for a server on loopback to answer its health probe with success.</summary>
    public static async Task WaitReadyAsync(Uri health, string what)
    {
        using var http = new HttpClient();
        for (var i = 0; i < 300; i++)
        {
            try
            {
                if ((await http.GetAsync(health)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{what} did not become ready in 30 s");
    }

    public TimeSpan ProcessorTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    public long WorkingSet()
    {
        _process.Refresh();
        return _process.WorkingSet64;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}

/// <summary>
/// A bounded soak: sustained intake (with answers) on loopback while the local functions host
/// delivers, reported per slice: throughput, p99, and the host's memory.
/// </summary>
internal static class Soak
{
    public static async Task<int> RunAsync(string hostDll, BenchOptions options)
    {
        var work = Path.Combine(Path.GetTempPath(), "acs-soak", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            var db = Path.Combine(work, "soak.db");
            var customers = options.Sizes[0];
            await SeedHelper.SeedAsync(db, customers);
            using var host = HostProcess.Start(hostDll, db, options.Port);
            await host.WaitReadyAsync();
            IntakeLoad.Tokens = await BenchTokens.LoadAsync(hostDll, db);
            Console.WriteLine($"soak: {options.SoakSeconds} s of sustained intake, {options.Concurrency} clients, {customers:N0} customers");
            Console.WriteLine("| minute | intakes/s | p50 ms | p99 ms | host memory MB |");
            Console.WriteLine("|---:|---:|---:|---:|---:|");
            Console.WriteLine($"| start | | | | {host.WorkingSet() / 1048576} |");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var slice = 0;
            while (clock.Elapsed.TotalSeconds < options.SoakSeconds)
            {
                slice++;
                var stats = await IntakeLoad.RunForAsync(host.BaseAddress, customers, TimeSpan.FromSeconds(Math.Min(60, options.SoakSeconds - clock.Elapsed.TotalSeconds + 1)), options.Concurrency);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {slice} | {stats.PerSecond:F0} | {stats.P50:F2} | {stats.P99:F2} | {host.WorkingSet() / 1048576} |"));
            }

            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            WorkFolder.Remove(work);
        }
    }
}

/// <summary>A run's data files are removed afterwards unless BENCH_KEEP=true (to inspect them with sqlite3).</summary>
internal static class WorkFolder
{
    public static void Remove(string work)
    {
        if (Environment.GetEnvironmentVariable("BENCH_KEEP") == "true")
        {
            Console.WriteLine($"  kept {work}");
            return;
        }

        Directory.Delete(work, recursive: true);
    }
}

internal static class SeedHelper
{
    public static async Task SeedAsync(string db, int customers)
    {
        using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
        using var store = new SqliteStateStore(db, TimeProvider.System);
        var seed = new DemoSeed(store, loggerFactory.CreateLogger<DemoSeed>());
        var clock = Stopwatch.StartNew();
        await seed.SeedIfEmptyAsync(customers, CancellationToken.None);
        Console.WriteLine($"  seeded {customers:N0} customers in {clock.Elapsed.TotalSeconds:F1} s");
    }
}

/// <summary>Development tokens for the benchmark, printed by the host's own dev-token command (same key file as the host).</summary>
internal sealed record BenchTokens(string Channel, IReadOnlyDictionary<string, string> Agents)
{
    public static async Task<BenchTokens> LoadAsync(string hostDll, string db)
    {
        var agents = Enumerable.Range(1, DemoSeed.TeamCount)
            .SelectMany(t => Enumerable.Range(1, DemoSeed.AgentsPerTeam).Select(a => $"{DemoSeed.TeamId(t)}-a{a:D2}"))
            .ToList();
        var channel = (await RunAsync(hostDll, db, ["--user", "bench-channel", "--role", "ContactSource"]))[0];
        var tokens = await RunAsync(hostDll, db, [.. agents.SelectMany(a => new[] { "--user", a }), "--role", "Agent"]);
        return new BenchTokens(channel, agents.Zip(tokens).ToDictionary(p => p.First, p => p.Second));
    }

    private static async Task<string[]> RunAsync(string hostDll, string db, string[] args)
    {
        var info = new ProcessStartInfo("dotnet", [hostDll, "dev-token", .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(hostDll)!,
        };
        info.Environment["Store__SqlitePath"] = db;
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dev-token failed: {error}");
        }

        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
