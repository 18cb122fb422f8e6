namespace Agile.CustomerService.Scheduling;

/// <summary>
/// An agent of the team. <paramref name="Availability"/> lists when the agent can be scheduled by a suggestion;
/// empty means always. The agent's own claims are not limited by it: the agent chose them.
/// </summary>
public sealed record Agent(
    string Id,
    IReadOnlyList<string> Skills,
    TimeSpan ContractedWeeklyHours,
    TimeSpan MaxWeeklyHours,
    IReadOnlyList<AvailabilityWindow> Availability,
    ShiftPreferences Preferences)
{
    public bool HasSkills(IReadOnlyList<string> required) => required.All(Skills.Contains);
}

/// <summary>A weekly window in which the agent can work; an <paramref name="Until"/> of 00:00 means midnight at the end of the day.</summary>
public sealed record AvailabilityWindow(DayOfWeek Day, TimeOnly From, TimeOnly Until)
{
    /// <summary>Whether the 30-minute interval starting at <paramref name="intervalStart"/> lies inside the window.</summary>
    public bool Holds(DateTime intervalStart)
    {
        var start = (intervalStart.Hour * 60) + intervalStart.Minute;
        var from = (From.Hour * 60) + From.Minute;
        var until = Until == TimeOnly.MinValue ? 24 * 60 : (Until.Hour * 60) + Until.Minute;
        return intervalStart.DayOfWeek == Day && start >= from && start + SchedulePeriod.IntervalMinutes <= until;
    }
}

/// <summary>Soft wishes a suggestion tries to meet; an empty preferred list means no preference.</summary>
public sealed record ShiftPreferences(
    IReadOnlyList<DayOfWeek> PreferredDays,
    IReadOnlyList<DayOfWeek> AvoidedDays,
    IReadOnlyList<string> PreferredTemplates,
    IReadOnlyList<string> AvoidedTemplates)
{
    public static ShiftPreferences None { get; } = new([], [], [], []);

    /// <summary>How many of these wishes a shift on <paramref name="date"/> from <paramref name="templateId"/> leaves unmet.</summary>
    public int Unmet(DateOnly date, string? templateId)
    {
        var unmet = 0;
        if (AvoidedDays.Contains(date.DayOfWeek))
        {
            unmet++;
        }

        if (PreferredDays.Count > 0 && !PreferredDays.Contains(date.DayOfWeek))
        {
            unmet++;
        }

        if (templateId is not null && AvoidedTemplates.Contains(templateId))
        {
            unmet++;
        }

        if (PreferredTemplates.Count > 0 && (templateId is null || !PreferredTemplates.Contains(templateId)))
        {
            unmet++;
        }

        return unmet;
    }
}
