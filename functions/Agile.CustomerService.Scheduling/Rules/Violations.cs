using System.Globalization;

namespace Agile.CustomerService.Scheduling;

/// <summary>The rule a violation breaks.</summary>
public enum ScheduleRule
{
    Setup,
    Request,
    Period,
    MaxShiftLength,
    RestBetweenShifts,
    MaxWeeklyHours,
    MaxConsecutiveDays,
    OneShiftPerDay,
    Skills,
    TimeOff,
    Availability,
    Coverage,
}

/// <summary>
/// A broken rule, naming the rule and the agent, day, interval or activity concerned.
/// Closed: every violation is one of the records below; <see cref="Message"/> says it in words.
/// </summary>
public abstract record Violation
{
    internal Violation()
    {
    }

    public abstract ScheduleRule Rule { get; }

    public abstract string Message { get; }

    /// <summary>Labour rules and the time off and period the agent works in: no one may break these, not even the team.</summary>
    public bool IsHard => Rule is not (ScheduleRule.Coverage or ScheduleRule.Skills or ScheduleRule.Availability);

    /// <summary>
    /// A labour rule (shift length, rest, weekly hours, consecutive days, one shift a day). An agent's own claim
    /// may not break one; a swap that would is the team's call (issue 7: "otherwise the team decides").
    /// </summary>
    public bool IsLabourRule => Rule is ScheduleRule.MaxShiftLength or ScheduleRule.RestBetweenShifts
        or ScheduleRule.MaxWeeklyHours or ScheduleRule.MaxConsecutiveDays or ScheduleRule.OneShiftPerDay;

    /// <summary>Broken even if the team agreed: approved time off, the period, or a request that names the wrong things.</summary>
    public bool BindsTheTeam => IsHard && !IsLabourRule;

    public sealed override string ToString() => Message;

    internal static string FormatDay(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    internal static string FormatHours(TimeSpan span) => span.TotalHours.ToString("0.##", CultureInfo.InvariantCulture);

    internal static string Interval(DateTime start) => string.Create(
        CultureInfo.InvariantCulture,
        $"{start:yyyy-MM-dd HH:mm}-{start.AddMinutes(SchedulePeriod.IntervalMinutes):HH:mm}");
}

/// <summary>The schedule's setup (period, templates, needs, agents) is not usable as given.</summary>
public sealed record InvalidSetup(string Problem) : Violation
{
    public override ScheduleRule Rule => ScheduleRule.Setup;

    public override string Message => Problem;
}

/// <summary>A request names something that does not exist or is not the requester's.</summary>
public sealed record InvalidRequest(string Problem) : Violation
{
    public override ScheduleRule Rule => ScheduleRule.Request;

    public override string Message => Problem;
}

public sealed record OutsidePeriod(string? AgentId, DateOnly Date, DateOnly PeriodStart, DateOnly PeriodEnd) : Violation
{
    public override ScheduleRule Rule => ScheduleRule.Period;

    public override string Message =>
        $"{FormatDay(Date)} is outside the schedule period {FormatDay(PeriodStart)} to {FormatDay(PeriodEnd.AddDays(-1))}"
        + (AgentId is null ? string.Empty : $" for agent {AgentId}");
}

public sealed record ShiftTooLong(string AgentId, DateOnly Date, TimeSpan Length, TimeSpan Maximum) : Violation
{
    public override ScheduleRule Rule => ScheduleRule.MaxShiftLength;

    public override string Message =>
        $"shift length {FormatHours(Length)} h > {FormatHours(Maximum)} h for agent {AgentId} on {FormatDay(Date)}";
}

public sealed record RestTooShort(string AgentId, DateOnly Date, TimeSpan Rest, TimeSpan Minimum) : Violation
{
    public override ScheduleRule Rule => ScheduleRule.RestBetweenShifts;

    public override string Message =>
        $"rest between shifts {FormatHours(Rest)} h < {FormatHours(Minimum)} h for agent {AgentId} on {FormatDay(Date)}";
}

public sealed record WeeklyHoursExceeded(string AgentId, DateOnly WeekStart, TimeSpan Hours, TimeSpan Maximum) : Violation
{
    public override ScheduleRule Rule => ScheduleRule.MaxWeeklyHours;

    public override string Message =>
        $"weekly hours {FormatHours(Hours)} h > {FormatHours(Maximum)} h for agent {AgentId} in the week from {FormatDay(WeekStart)}";
}

public sealed record TooManyConsecutiveDays(string AgentId, DateOnly From, DateOnly Until, int Days, int Maximum) : Violation
{
    public override ScheduleRule Rule => ScheduleRule.MaxConsecutiveDays;

    public override string Message =>
        $"{Days} consecutive working days > {Maximum} for agent {AgentId} from {FormatDay(From)} to {FormatDay(Until)}";
}

public sealed record MoreThanOneShiftADay(string AgentId, DateOnly Date, int Shifts) : Violation
{
    public override ScheduleRule Rule => ScheduleRule.OneShiftPerDay;

    public override string Message => $"{Shifts} shifts > 1 a day for agent {AgentId} on {FormatDay(Date)}";
}

public sealed record MissingSkills(string AgentId, ShiftActivity Activity, DateOnly Date, string Missing) : Violation
{
    public override ScheduleRule Rule => ScheduleRule.Skills;

    public override string Message =>
        $"agent {AgentId} lacks skill {Missing} needed for {Activity} on {FormatDay(Date)}";
}

public sealed record DuringTimeOff(string AgentId, DateOnly Date, Guid TimeOffId) : Violation
{
    public override ScheduleRule Rule => ScheduleRule.TimeOff;

    public override string Message => $"shift on {FormatDay(Date)} falls in approved time off of agent {AgentId}";
}

public sealed record OutsideAvailability(string AgentId, DateOnly Date, TimeOnly Start) : Violation
{
    public override ScheduleRule Rule => ScheduleRule.Availability;

    public override string Message => string.Create(
        CultureInfo.InvariantCulture,
        $"shift on {FormatDay(Date)} at {Start:HH:mm} is outside the availability of agent {AgentId}");
}

public sealed record CoverageBelowNeed(ShiftActivity Activity, DateTime IntervalStart, int Scheduled, int Need) : Violation
{
    public override ScheduleRule Rule => ScheduleRule.Coverage;

    public override string Message => $"coverage for {Activity} on {Interval(IntervalStart)} is {Scheduled} < need {Need}";
}

public sealed record CoverageWouldDrop(ShiftActivity Activity, DateTime IntervalStart, int Before, int After, int Need) : Violation
{
    public override ScheduleRule Rule => ScheduleRule.Coverage;

    public override string Message => $"coverage for {Activity} on {Interval(IntervalStart)} would drop to {After} < need {Need}";
}
