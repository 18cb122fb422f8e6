namespace Agile.CustomerService.Scheduling;

/// <summary>Need and scheduled agents per activity and interval of a period, as flat arrays.</summary>
internal sealed class CoverageGrid
{
    public static readonly ShiftActivity[] Activities = Enum.GetValues<ShiftActivity>();

    private CoverageGrid(SchedulePeriod period)
    {
        Period = period;
        Need = new int[Activities.Length * period.IntervalCount];
        Scheduled = new int[Need.Length];
    }

    public SchedulePeriod Period { get; }

    public int[] Need { get; }

    /// <summary>Agents on shift who have the activity's skills (open shifts do not count).</summary>
    public int[] Scheduled { get; }

    public int Index(ShiftActivity activity, int interval) => ((int)activity * Period.IntervalCount) + interval;

    public static CoverageGrid Build(Schedule schedule, bool countOpenShifts = false)
    {
        var grid = new CoverageGrid(schedule.Period);
        grid.AddNeeds(schedule.Needs);
        var qualified = Qualification(schedule);
        foreach (var shift in schedule.Shifts)
        {
            var counts = shift.AgentId is null
                ? countOpenShifts
                : qualified.TryGetValue(shift.AgentId, out var ok) && ok[(int)shift.Activity];
            if (counts)
            {
                grid.Add(shift, 1);
            }
        }

        return grid;
    }

    /// <summary>Per agent id, whether the agent has the skills of each activity.</summary>
    public static Dictionary<string, bool[]> Qualification(Schedule schedule)
    {
        var qualified = new Dictionary<string, bool[]>(StringComparer.Ordinal);
        foreach (var agent in schedule.Agents)
        {
            qualified[agent.Id] = [.. Activities.Select(a => schedule.IsQualified(agent, a))];
        }

        return qualified;
    }

    public void Add(Shift shift, int count)
    {
        var (first, end) = Period.IntervalRange(shift.StartsAt, shift.EndsAt);
        var offset = (int)shift.Activity * Period.IntervalCount;
        for (var i = first; i < end; i++)
        {
            Scheduled[offset + i] += count;
        }
    }

    private void AddNeeds(IEnumerable<CoverageNeed> needs)
    {
        foreach (var need in needs)
        {
            var (first, end) = Period.IntervalRange(need.StartsAt, need.EndsAt);
            var offset = (int)need.Activity * Period.IntervalCount;
            for (var i = first; i < end; i++)
            {
                Need[offset + i] = Math.Max(Need[offset + i], need.Agents);
            }
        }
    }
}
