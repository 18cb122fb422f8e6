using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Agile.CustomerService.Api.Tests;

public class TelemetryTests
{
    [Fact]
    public async Task Intake_EventsAndTheirConsumers_ShareTheContactsTrace()
    {
        var spans = new List<Activity>();
        using var app = new TestApp(services => services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)));

        var c = await app.IntakeAsync("cust-00005");
        await app.SettleAsync();

        Activity[] snapshot;
        lock (spans)
        {
            snapshot = [.. spans];
        }

        var intake = Assert.Single(snapshot, s => s.DisplayName == "intake" && (string?)s.GetTagItem("acs.case") == c.Str("id"));
        var consumers = snapshot.Where(s => s.Kind == ActivityKind.Consumer && s.TraceId == intake.TraceId).Select(s => s.DisplayName).ToList();
        Assert.Contains("board CaseOpened", consumers);
        Assert.Contains("daily-rollup CaseOffered", consumers);
        Assert.Contains("dispatch CaseOffered", consumers);
    }
}
