using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Agile.CustomerService.Application;

/// <summary>
/// The product's traces and metrics. A contact's trace id is its correlation id: it is stored
/// on every event the contact causes, and each consumer continues that trace.
/// </summary>
public static class Telemetry
{
    public const string Name = "Agile.CustomerService";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Intakes = Meter.CreateCounter<long>("acs.intakes", description: "Contacts taken in, by routing outcome");

    public static readonly Counter<long> EventsApplied = Meter.CreateCounter<long>("acs.events.applied", description: "Case events applied, by consumer");

    /// <summary>Starts a consumer's activity inside the trace of the contact that caused the event.</summary>
    public static Activity? StartConsumer(string name, string? correlationId)
    {
        if (correlationId is { Length: 32 } && ActivityTraceId.CreateFromString(correlationId) is var traceId)
        {
            var parent = new ActivityContext(traceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
            return Source.StartActivity(name, ActivityKind.Consumer, parent);
        }

        return Source.StartActivity(name, ActivityKind.Consumer);
    }
}
