using System.Diagnostics.Metrics;

namespace Agile.CustomerService.Storage.Cosmos;

/// <summary>
/// The Cosmos store's instruments, on the meter <see cref="MeterName"/>. Every store operation
/// records its request charge (summed over retries and pages) and its latency, tagged with
/// <c>operation</c> (read, query, query-due, commit, read-changes) and <c>outcome</c>
/// (ok, not-found, conflict, unavailable, error).
/// </summary>
public static class CosmosMetrics
{
    public const string MeterName = "Agile.CustomerService.Cosmos";

    private static readonly Meter Meter = new(MeterName);

    public static Histogram<double> RequestCharge { get; } = Meter.CreateHistogram<double>(
        "agilecs.cosmos.request_charge", unit: "{RU}", description: "Request units charged per store operation");

    public static Histogram<double> Duration { get; } = Meter.CreateHistogram<double>(
        "agilecs.cosmos.duration", unit: "ms", description: "Latency of a store operation, retries included");

    public static Counter<long> Retries { get; } = Meter.CreateCounter<long>(
        "agilecs.cosmos.retries", unit: "{retry}", description: "Retries of transient Cosmos DB failures");
}
