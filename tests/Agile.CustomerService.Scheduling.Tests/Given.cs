namespace Agile.CustomerService.Scheduling.Tests;

/// <summary>A small team for tests: two weeks from Monday 2026-11-30 (UTC), phone and chat, early and late shifts.</summary>
internal static class Given
{
    public static readonly DateOnly Monday = new(2026, 11, 30);

    /// <summary>Phone 07:00-15:00.</summary>
    public static readonly ShiftTemplate Early = new("early", new TimeOnly(7, 0), TimeSpan.FromHours(8), ShiftActivity.Phone);

    /// <summary>Phone 14:00-22:00 (a late shift).</summary>
    public static readonly ShiftTemplate Late = new("late", new TimeOnly(14, 0), TimeSpan.FromHours(8), ShiftActivity.Phone);

    /// <summary>Chat 09:00-17:00.</summary>
    public static readonly ShiftTemplate Chat = new("chat", new TimeOnly(9, 0), TimeSpan.FromHours(8), ShiftActivity.Chat);

    public static DateOnly Day(int offset) => Monday.AddDays(offset);

    public static DateTime At(int day, int hour) => Day(day).ToDateTime(new TimeOnly(hour, 0));

    public static Agent Agent(string id, params string[] skills) =>
        new(id, skills, TimeSpan.FromHours(36), TimeSpan.FromHours(40), [], ShiftPreferences.None);

    /// <summary>ana and ben do phone and chat; cas and dan phone only.</summary>
    public static Schedule Team(params Agent[] agents) => new(
        new SchedulePeriod(Monday, 2, "UTC"),
        LabourRules.Default,
        agents.Length > 0 ? agents : [Agent("ana", "phone", "chat"), Agent("ben", "phone", "chat"), Agent("cas", "phone"), Agent("dan", "phone")],
        [Early, Late, Chat],
        [],
        [new(ShiftActivity.Phone, ["phone"]), new(ShiftActivity.Chat, ["chat"])],
        [],
        []);

    public static Shift Shift(string? agentId, int day, ShiftTemplate template) =>
        Scheduling.Shift.FromTemplate(Guid.NewGuid(), agentId, Day(day), template);

    public static Schedule With(this Schedule schedule, params Shift[] shifts) =>
        schedule with { Shifts = [.. schedule.Shifts, .. shifts] };

    public static Schedule WithTimeOff(this Schedule schedule, string agentId, DateTime from, DateTime until) =>
        schedule with { TimeOff = [.. schedule.TimeOff, new TimeOff(Guid.NewGuid(), agentId, from, until)] };

    public static Schedule Needing(this Schedule schedule, ShiftActivity activity, int day, int fromHour, int untilHour, int agents) =>
        schedule with
        {
            Needs = [.. schedule.Needs, new CoverageNeed(activity, Day(day), new TimeOnly(fromHour, 0), untilHour == 24 ? TimeOnly.MinValue : new TimeOnly(untilHour, 0), agents)],
        };

    public static string[] Messages(this RuleCheck check) => [.. check.Violations.Select(v => v.Message)];

    public static string[] Messages(this IEnumerable<Violation> violations) => [.. violations.Select(v => v.Message)];
}
