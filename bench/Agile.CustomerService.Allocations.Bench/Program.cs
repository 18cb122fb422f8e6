// Where a process allocates, from a trace of its GC events: allocation by type (small and large
// object heap), the top allocating stacks (leaf frame and the first frames of our own code), and
// the collections by generation and reason. The trace comes from dotnet-trace, for example of the
// host during the intake benchmark (the commands are in docs/performance.md):
//
//   dotnet-trace collect -p <pid> --providers Microsoft-Windows-DotNETRuntime:0x1:5 --duration 00:00:00:05 -o host.nettrace
//   dotnet run -c Release --project bench/Agile.CustomerService.Allocations.Bench -- host.nettrace [--large] [--top 25]
//
// GC keyword 0x1 at level 5 includes the allocation tick: one event per about 100 KB allocated,
// with the type of the object that crossed the mark and the stack, so the amounts are samples.
using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

if (args.Length == 0 || !File.Exists(args[0]))
{
    Console.Error.WriteLine("usage: Agile.CustomerService.Allocations.Bench <trace.nettrace> [--large] [--top N]");
    return 1;
}

var largeOnly = args.Contains("--large");
var top = args.SkipWhile(a => a != "--top").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(25);
using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(args[0]));
var byType = new Dictionary<string, (long Small, long Large)>(StringComparer.Ordinal);
var byStack = new Dictionary<string, long>(StringComparer.Ordinal);
var collections = new SortedDictionary<string, int>(StringComparer.Ordinal);
long total = 0;
double? first = null, last = null;
foreach (var data in log.Events)
{
    first ??= data.TimeStampRelativeMSec;
    last = data.TimeStampRelativeMSec;
    switch (data)
    {
        case GCStartTraceData start:
            var key = $"gen{start.Depth} {start.Reason}";
            collections[key] = collections.GetValueOrDefault(key) + 1;
            break;
        case GCAllocationTickTraceData tick:
            var type = tick.TypeName ?? "?";
            var large = tick.AllocationKind == GCAllocationKind.Large;
            var amounts = byType.GetValueOrDefault(type);
            byType[type] = large ? (amounts.Small, amounts.Large + tick.AllocationAmount64) : (amounts.Small + tick.AllocationAmount64, amounts.Large);
            total += tick.AllocationAmount64;
            if (!largeOnly || large)
            {
                var stack = Describe(tick.CallStack());
                byStack[$"{type} <- {stack}"] = byStack.GetValueOrDefault($"{type} <- {stack}") + tick.AllocationAmount64;
            }

            break;
    }
}

var seconds = ((last ?? 0) - (first ?? 0)) / 1000;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{seconds:F1} s traced, {total / 1048576.0:F0} MB allocated (sampled), {total / 1048576.0 / Math.Max(seconds, 0.001):F0} MB/s"));
Console.WriteLine("collections: " + string.Join(", ", collections.Select(c => $"{c.Key} {c.Value}")));
Console.WriteLine();
Console.WriteLine("| type | small object heap MB | large object heap MB |");
Console.WriteLine("|---|---:|---:|");
foreach (var (type, amounts) in byType.OrderByDescending(t => t.Value.Small + t.Value.Large).Take(top))
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {type} | {amounts.Small / 1048576.0:F1} | {amounts.Large / 1048576.0:F1} |"));
}

Console.WriteLine();
Console.WriteLine(largeOnly ? "stacks of large-object allocations:" : "stacks:");
foreach (var (stack, amount) in byStack.OrderByDescending(s => s.Value).Take(top))
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{amount / 1048576.0,8:F1} MB  {stack}"));
}

return 0;

// The allocating frame, then up to three frames of Agile.CustomerService code above it.
static string Describe(TraceCallStack? stack)
{
    var frames = new List<string>();
    var ours = 0;
    for (var frame = stack; frame is not null && ours < 3 && frames.Count < 40; frame = frame.Caller)
    {
        var name = frame.CodeAddress.FullMethodName ?? string.Empty;
        if (name.Contains("Agile.CustomerService", StringComparison.Ordinal))
        {
            ours++;
            frames.Add(Shorten(name));
        }
        else if (frames.Count == 0)
        {
            frames.Add(Shorten(name.Length == 0 ? frame.CodeAddress.ModuleName + "!?" : name));
        }
    }

    return string.Join(" <- ", frames);
}

static string Shorten(string name) => name.Length > 140 ? name[..140] : name;
