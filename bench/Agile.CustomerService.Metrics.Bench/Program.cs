// Metrics benchmark (issue 8): a team-sprint's KPIs read from daily rollups at two case-book
// sizes side by side, and a rebuild of every rollup from 1,000,000 case events, on SQLite.
//
//   dotnet run -c Release --project bench/Agile.CustomerService.Metrics.Bench -- [--sizes 10000,1000000] [--events 1000000] [--reads 300] [--live 20000]
using System.Diagnostics;
using System.Globalization;
using Agile.CustomerService.Application.Admin;
using Agile.CustomerService.Application.Cases;
using Agile.CustomerService.Application.Metrics;
using Agile.CustomerService.Application.Pipeline;
using Agile.CustomerService.Application.Storage;
using Agile.CustomerService.Application.Teams;
using Agile.CustomerService.Domain.Cases;
using Agile.CustomerService.Domain.Metrics;
using Agile.CustomerService.Domain.Organisation;
using Agile.CustomerService.Domain.Routing;
using Agile.CustomerService.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

var sizes = Arg("--sizes", "10000,1000000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
var targetEvents = int.Parse(Arg("--events", "1000000"), CultureInfo.InvariantCulture);
var reads = int.Parse(Arg("--reads", "300"), CultureInfo.InvariantCulture);
var live = int.Parse(Arg("--live", "20000"), CultureInfo.InvariantCulture);
var days = 90;
var start = new DateOnly(2026, 8, 27);
var sprintFrom = start.AddDays(days - 14);
var sprintTo = start.AddDays(days - 1);
var time = new FixedTime(new DateTimeOffset(start.AddDays(days).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
Console.WriteLine($"metrics benchmark: {Environment.ProcessorCount} cores, {days} days of cases over 6 teams, sprint {sprintFrom:yyyy-MM-dd}..{sprintTo:yyyy-MM-dd} of north-1");

// 1. A team-sprint's metrics from rollups, at each case-book size.
var rows = new List<string>();
foreach (var cases in sizes)
{
    var work = Work();
    try
    {
        var fold = new RollupFold();
        var events = 0L;
        foreach (var history in Synthetic.Histories(cases, days, start))
        {
            events += Fold(fold, history);
        }

        var store = new SqliteStateStore(Path.Combine(work, "bench.db"), time);
        await new DemoSeed(store, NullLogger<DemoSeed>.Instance).SeedIfEmptyAsync(1000, CancellationToken.None);
        var rollups = DailyRollupProjection.Documents(fold).Where(d => d.Document.Kind == Kinds.Rollup).ToList();
        await store.BulkUpsertAsync(rollups, CancellationToken.None);
        var metrics = Services(store, time).Metrics;
        TeamMetrics? last = null;
        for (var i = 0; i < 20; i++)
        {
            last = await metrics.TeamAsync("north-1", sprintFrom, sprintTo, CancellationToken.None);
        }

        var samples = new List<double>(reads);
        for (var i = 0; i < reads; i++)
        {
            var watch = Stopwatch.StartNew();
            last = await metrics.TeamAsync("north-1", sprintFrom, sprintTo, CancellationToken.None);
            samples.Add(watch.Elapsed.TotalMilliseconds);
        }

        samples.Sort();
        var row = string.Create(CultureInfo.InvariantCulture,
            $"| {cases:N0} | {events:N0} | {rollups.Count:N0} | {last!.Kpis["firstContactResolution"].Denominator:N0} | {Pct(samples, 0.5):F2} | {Pct(samples, 0.95):F2} | {samples[^1]:F2} |");
        rows.Add(row);
        Console.WriteLine(row);
    }
    finally
    {
        Cleanup(work);
    }
}

Console.WriteLine();
Console.WriteLine("| cases in the book | case events | rollup documents | north-1 resolutions in the sprint | sprint metrics p50 ms | p95 ms | max ms |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
rows.ForEach(Console.WriteLine);

// 2. Rebuilding every rollup from 1,000,000 events: fold in memory, then bulk-load rollups and drill-down entries.
{
    var work = Work();
    try
    {
        var histories = new List<IReadOnlyList<CaseEvent>>();
        var total = 0L;
        foreach (var h in Synthetic.Histories(int.MaxValue, days, start))
        {
            histories.Add(h);
            total += h.Count;
            if (total >= targetEvents)
            {
                break;
            }
        }

        var store = new SqliteStateStore(Path.Combine(work, "rebuild.db"), time);
        await new DemoSeed(store, NullLogger<DemoSeed>.Instance).SeedIfEmptyAsync(1000, CancellationToken.None);
        var watch = Stopwatch.StartNew();
        var fold = new RollupFold();
        foreach (var h in histories)
        {
            Fold(fold, h);
        }

        var folded = watch.Elapsed;
        var documents = DailyRollupProjection.Documents(fold).ToList();
        await store.BulkUpsertAsync(documents, CancellationToken.None);
        var loaded = watch.Elapsed;
        Console.WriteLine();
        Console.WriteLine("| events | cases | fold (CaseMetrics per event) s | bulk load s | rebuild total s | rollup documents | drill-down entries | events/s |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {total:N0} | {histories.Count:N0} | {folded.TotalSeconds:F1} | {(loaded - folded).TotalSeconds:F1} | {loaded.TotalSeconds:F1} | {fold.Rollups.Count():N0} | {fold.Drill.Count:N0} | {total / loaded.TotalSeconds:N0} |"));

        // 3. The live path for comparison: the projection's per-event commit (marker, rollup, drill entries) on a fresh store.
        var liveStore = new SqliteStateStore(Path.Combine(work, "live.db"), time);
        await new DemoSeed(liveStore, NullLogger<DemoSeed>.Instance).SeedIfEmptyAsync(1000, CancellationToken.None);
        var projection = Services(liveStore, time).Projection;
        var applied = 0;
        var liveWatch = Stopwatch.StartNew();
        foreach (var h in histories)
        {
            for (var i = 0; i < h.Count && applied < live; i++, applied++)
            {
                foreach (var c in CaseMetrics.Of(h, i, RoutingPolicy.Default))
                {
                    await projection.ApplyAsync(c, $"{h[i].CaseId}:{i + 1}", [], CancellationToken.None);
                }
            }

            if (applied >= live)
            {
                break;
            }
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"live projection path: {applied:N0} events applied one by one (marker + rollup + drill entries per commit) in {liveWatch.Elapsed.TotalSeconds:F1} s = {applied / liveWatch.Elapsed.TotalSeconds:N0} events/s"));
    }
    finally
    {
        Cleanup(work);
    }
}

return 0;

static int Fold(RollupFold fold, IReadOnlyList<CaseEvent> history)
{
    for (var i = 0; i < history.Count; i++)
    {
        var eventId = $"{history[i].CaseId}:{i + 1}";
        foreach (var c in CaseMetrics.Of(history, i, RoutingPolicy.Default))
        {
            fold.Add(c, eventId, id => CaseIds.CustomerOf(id) ?? id);
        }
    }

    return history.Count;
}

static (MetricsService Metrics, DailyRollupProjection Projection) Services(IStateStore store, TimeProvider time)
{
    var cases = new CaseService(store, time, RoutingPolicy.Default, NoChangeNotifier.Instance);
    var projection = new DailyRollupProjection(store, cases);
    var metrics = new MetricsService(store, projection, cases, new AdminService(store, cases, time), new StoredHandleTimeExemptions(store), time);
    return (metrics, projection);
}

static double Pct(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

static string Work()
{
    var work = Path.Combine(Path.GetTempPath(), "acs-metrics-bench", Guid.NewGuid().ToString("N"));
    Directory.CreateDirectory(work);
    return work;
}

static void Cleanup(string work)
{
    SqliteConnection.ClearAllPools();
    Directory.Delete(work, recursive: true);
}

string Arg(string name, string fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
}

/// <summary>A clock fixed at the end of the benchmark's period.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>Seeded, realistic case histories: most resolved by the first agent, some repeats, spill-overs, declines, reopens; a few still open.</summary>
internal static class Synthetic
{
    private static readonly string[] Teams = ["north-1", "north-2", "north-3", "north-4", "north-5", "north-6"];

    public static IEnumerable<IReadOnlyList<CaseEvent>> Histories(int cases, int days, DateOnly start)
    {
        var random = new Random(20261124);
        for (var n = 0; n < cases; n++)
        {
            var customer = $"cust-{n % 60_000 + 1:D5}";
            var id = CaseIds.New(customer, new Guid(n, 0, 0, [0, 0, 0, 0, 0, 0, 0, 1]));
            var team = Teams[n % Teams.Length];
            var at = new DateTimeOffset(start.AddDays(n % days).ToDateTime(new TimeOnly(8, 0)), TimeSpan.Zero).AddSeconds(random.Next(0, 10 * 3600));
            var tier = (CustomerTier)(n % 25 == 0 ? 2 : n % 10 == 0 ? 1 : 0);
            var agent = $"{team}-a{random.Next(1, 11):D2}";
            var h = new List<CaseEvent>
            {
                new CaseOpened(id, customer, team, Channel.Phone, random.Next(4) == 0 ? "meter reading" : "billing", CaseTier.Simple, tier, null,
                    random.Next(100) < 12 ? "earlier" : null, null, null, "customer", at, "contact"),
            };
            var roll = random.Next(100);
            at = at.AddSeconds(random.Next(5, 400));
            if (roll < 8)
            {
                var helper = Teams[(n + 1) % Teams.Length];
                h.Add(new CaseQueued(id, team, at.AddMinutes(5), "router", at, "no agent"));
                h.Add(new CaseSpilledOver(id, team, helper, "router", at.AddMinutes(5), "waited"));
                agent = $"{helper}-a{random.Next(1, 11):D2}";
                at = at.AddMinutes(5).AddSeconds(random.Next(5, 120));
                team = helper;
            }
            else if (roll < 13)
            {
                h.Add(new CaseOffered(id, team, agent, at.AddMinutes(1), "router", at, "spare"));
                h.Add(new OfferDeclined(id, agent, agent, at.AddSeconds(20), "busy"));
                agent = $"{team}-a{random.Next(1, 11):D2}";
                at = at.AddSeconds(30);
            }

            if (roll >= 97)
            {
                h.Add(new CaseQueued(id, team, at.AddMinutes(5), "router", at, "no agent"));
                yield return h;
                continue;
            }

            h.Add(new CaseOffered(id, team, agent, at.AddMinutes(1), "router", at, "spare"));
            h.Add(new OfferAccepted(id, agent, agent, at.AddSeconds(random.Next(3, 50)), "accepted"));
            at = at.AddSeconds(random.Next(60, 1500));
            h.Add(new CaseResolved(id, agent, team, "done", agent, at, "resolved"));
            if (roll is >= 90 and < 93)
            {
                at = at.AddHours(random.Next(1, 48));
                h.Add(new CaseReopened(id, "customer", at, "not fixed"));
                h.Add(new CaseOffered(id, h.OfType<CaseOpened>().Single().OwningTeamId, agent, at.AddMinutes(1), "router", at, "continuity"));
                h.Add(new OfferAccepted(id, agent, agent, at.AddSeconds(20), "accepted"));
                h.Add(new CaseResolved(id, agent, team, "done", agent, at.AddSeconds(random.Next(60, 900)), "resolved"));
            }

            yield return h;
        }
    }
}
