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

        // The activity listener is process-wide and other tests take in the same demo customers (case ids repeat
        // across apps), so the contact's trace is chosen here and the spans are picked by it.
        var trace = ActivityTraceId.CreateRandom();
        var response = await app.SendRawAsync(HttpMethod.Post, "/api/contacts",
            """{"customerId":"cust-00005","channel":"phone","topic":"billing question","tier":"simple"}""",
            ("Idempotency-Key", "telemetry-1"), ("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01"));
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        await app.SettleAsync();

        Activity[] snapshot;
        lock (spans)
        {
            snapshot = [.. spans];
        }

        var intake = Assert.Single(snapshot, s => s.DisplayName == "intake" && s.TraceId == trace);
        var consumers = snapshot.Where(s => s.Kind == ActivityKind.Consumer && s.TraceId == intake.TraceId).Select(s => s.DisplayName).ToList();
        Assert.Contains("board CaseOpened", consumers);
        Assert.Contains("daily-rollup CaseOffered", consumers);
        Assert.Contains("dispatch CaseOffered", consumers);
    }
}
