using Agile.CustomerService.Domain.Organisation;

namespace Agile.CustomerService.Domain.Routing;

/// <summary>The configurable numbers of routing.</summary>
public sealed record RoutingPolicy(
    TimeSpan SpillAfterStandard,
    TimeSpan SpillAfterPriority,
    TimeSpan SpillAfterVulnerable,
    TimeSpan OfferTimeout,
    TimeSpan RepeatWindow)
{
    public static RoutingPolicy Default { get; } = new(
        SpillAfterStandard: TimeSpan.FromMinutes(5),
        SpillAfterPriority: TimeSpan.FromMinutes(2),
        SpillAfterVulnerable: TimeSpan.FromMinutes(2),
        OfferTimeout: TimeSpan.FromSeconds(60),
        RepeatWindow: TimeSpan.FromDays(7));

    public TimeSpan SpillAfter(CustomerTier tier) => tier switch
    {
        CustomerTier.Priority => SpillAfterPriority,
        CustomerTier.Vulnerable => SpillAfterVulnerable,
        _ => SpillAfterStandard,
    };

    /// <summary>Names the first out-of-range value, or null when the policy is usable.</summary>
    public string? Problem()
    {
        var limits = new (string Name, TimeSpan Value, TimeSpan Min, TimeSpan Max)[]
        {
            (nameof(SpillAfterStandard), SpillAfterStandard, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
            (nameof(SpillAfterPriority), SpillAfterPriority, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
            (nameof(SpillAfterVulnerable), SpillAfterVulnerable, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
            (nameof(OfferTimeout), OfferTimeout, TimeSpan.FromSeconds(5), TimeSpan.FromHours(1)),
            (nameof(RepeatWindow), RepeatWindow, TimeSpan.FromHours(1), TimeSpan.FromDays(90)),
        };
        return limits
            .Where(l => l.Value < l.Min || l.Value > l.Max)
            .Select(l => $"{l.Name} must be between {l.Min} and {l.Max}")
            .FirstOrDefault();
    }
}
