namespace Agile.CustomerService.Scheduling;

/// <summary>
/// The labour rules every schedule keeps. At most one shift a day always holds. Weekly hours count each shift
/// in the period week of its start date (weeks start on the period's first day); the agent's own
/// <see cref="Agent.MaxWeeklyHours"/> applies when it is lower. Consecutive days count inside the period only.
/// </summary>
public sealed record LabourRules(
    TimeSpan MaxShiftLength,
    TimeSpan MaxWeeklyHours,
    TimeSpan MinRestBetweenShifts,
    int MaxConsecutiveWorkingDays)
{
    /// <summary>10 h shifts, 48 h weeks, 11 h rest, 6 days in a row.</summary>
    public static LabourRules Default { get; } = new(TimeSpan.FromHours(10), TimeSpan.FromHours(48), TimeSpan.FromHours(11), 6);

    public TimeSpan WeeklyLimitFor(Agent agent) =>
        agent.MaxWeeklyHours < MaxWeeklyHours ? agent.MaxWeeklyHours : MaxWeeklyHours;
}
