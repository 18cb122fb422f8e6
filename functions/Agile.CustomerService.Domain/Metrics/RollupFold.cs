namespace Agile.CustomerService.Domain.Metrics;

/// <summary>
/// Rollups recomputed from scratch in memory (a rebuild from the event log): contributions are
/// added per team and day, customers served are counted once per team, day and customer, and the
/// drill-down entries are kept with their event ids. Applying each event once gives the same
/// rollups as the live projection (which dedupes redeliveries with a marker per event).
/// </summary>
public sealed class RollupFold
{
    private readonly Dictionary<(string Team, DateOnly Day), DailyTeamRollup> _rollups = [];
    private readonly HashSet<(string Team, DateOnly Day, string Customer)> _served = [];
    private readonly List<(string Team, DateOnly Day, string EventId, DrillTag Tag)> _drill = [];

    public IEnumerable<DailyTeamRollup> Rollups => _rollups.Values;

    public IReadOnlyList<(string Team, DateOnly Day, string EventId, DrillTag Tag)> Drill => _drill;

    public long Events { get; private set; }

    /// <summary>Adds one contribution of one event; <paramref name="customerOf"/> maps a case id to its customer.</summary>
    public void Add(Contribution contribution, string eventId, Func<string, string> customerOf)
    {
        ArgumentNullException.ThrowIfNull(contribution);
        ArgumentNullException.ThrowIfNull(customerOf);
        var delta = contribution.Delta;
        foreach (var tag in contribution.Cases)
        {
            if (tag.Fact == Facts.Served)
            {
                if (_served.Add((contribution.TeamId, contribution.Day, customerOf(tag.CaseId))))
                {
                    delta = delta with { CustomersServed = delta.CustomersServed + 1 };
                }
            }
            else
            {
                _drill.Add((contribution.TeamId, contribution.Day, eventId, tag));
            }
        }

        var key = (contribution.TeamId, contribution.Day);
        _rollups[key] = _rollups.GetValueOrDefault(key, DailyTeamRollup.Empty(contribution.TeamId, contribution.Day)).Plus(delta);
    }

    public void CountEvent() => Events++;
}
