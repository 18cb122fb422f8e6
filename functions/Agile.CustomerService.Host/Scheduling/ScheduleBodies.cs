using System.Globalization;
using Agile.CustomerService.Application.Scheduling;
using Agile.CustomerService.Host.Http;
using Agile.CustomerService.Scheduling;

namespace Agile.CustomerService.Host.Scheduling;

internal sealed record RulesBody(double? MaxShiftHours, double? MaxWeeklyHours, double? MinRestHours, int? MaxConsecutiveDays);

internal sealed record TemplateBody(string? Id, string? Start, double? Hours, ShiftActivity? Activity);

/// <summary>A coverage need: on <see cref="Date"/>, or on the listed weekdays of the period (every day when neither is given).</summary>
internal sealed record NeedBody(ShiftActivity? Activity, DateOnly? Date, IReadOnlyList<DayOfWeek>? Days, string? From, string? Until, int? Agents);

internal sealed record ActivitySkillsBody(ShiftActivity? Activity, IReadOnlyList<string>? Skills);

internal sealed record WindowBody(DayOfWeek? Day, string? From, string? Until);

internal sealed record PreferencesBody(IReadOnlyList<DayOfWeek>? PreferredDays, IReadOnlyList<DayOfWeek>? AvoidedDays, IReadOnlyList<string>? PreferredTemplates, IReadOnlyList<string>? AvoidedTemplates);

internal sealed record AgentTermsBody(string? AgentId, double? ContractedWeeklyHours, double? MaxWeeklyHours, IReadOnlyList<WindowBody>? Availability, PreferencesBody? Preferences);

internal sealed record OpenPeriodBody(
    DateOnly? Start,
    int? Weeks,
    string? TimeZone,
    RulesBody? Rules,
    IReadOnlyList<TemplateBody>? Templates,
    IReadOnlyList<NeedBody>? Needs,
    IReadOnlyList<ActivitySkillsBody>? ActivitySkills,
    IReadOnlyList<AgentTermsBody>? Agents);

internal sealed record AgentOnlyBody(string? AgentId);

internal sealed record NewShiftBody(string? AgentId, DateOnly? Date, string? TemplateId);

internal sealed record SwapBody(string? RequesterId, Guid? RequesterShiftId, string? PeerId, Guid? PeerShiftId);

internal sealed record AnswerBody(string? AgentId, bool? Accept);

internal sealed record DecisionBody(string? By, bool? Approve, string? Reason);

internal sealed record TimeOffBody(string? AgentId, DateTime? From, DateTime? Until, string? Reason);

internal sealed record SuggestBody(string? Mode, double? TimeLimitSeconds);

internal sealed record TeamsLinkBody(string? GraphTeamId, string? ActAsUserId, string? SchedulingGroupId, IReadOnlyDictionary<string, string>? Users);

/// <summary>Turns request bodies into the scheduling model, naming the first problem.</summary>
internal static class ScheduleBodies
{
    public const int MaxTemplates = 50;
    public const int MaxNeeds = 500;
    public const int MaxExpandedNeeds = 5000;
    public const int MaxAgents = 200;

    public static (OpenPeriodRequest? Request, string? Problem) ToRequest(OpenPeriodBody body)
    {
        var templates = body.Templates ?? [];
        var needs = body.Needs ?? [];
        var skills = body.ActivitySkills ?? [];
        var agents = body.Agents ?? [];
        var problem = Validate.FirstProblem(
            body.Start is null ? "start (a date, yyyy-MM-dd) is required" : null,
            Validate.Range("weeks", body.Weeks ?? 0, SchedulePeriod.MinWeeks, SchedulePeriod.MaxWeeks),
            Validate.Text("timeZone", body.TimeZone, 64),
            body.TimeZone is { Length: > 0 } zone && ScheduleTime.FindZone(zone) is null ? $"timeZone '{zone}' is not an IANA zone, UTC or an offset like +01:00" : null,
            Validate.Range("templates.length", templates.Count, 1, MaxTemplates),
            Validate.Range("needs.length", needs.Count, 0, MaxNeeds),
            Validate.Range("agents.length", agents.Count, 0, MaxAgents),
            templates.Select((t, i) => TemplateProblem(t, i)).FirstOrDefault(p => p is not null),
            needs.Select((n, i) => NeedProblem(n, i)).FirstOrDefault(p => p is not null),
            skills.Select((s, i) => Validate.FirstProblem(
                Validate.Defined($"activitySkills[{i}].activity", s.Activity),
                Validate.Range($"activitySkills[{i}].skills.length", s.Skills?.Count ?? 0, 0, 20),
                (s.Skills ?? []).Select(k => Validate.Id($"activitySkills[{i}].skills[]", k)).FirstOrDefault(p => p is not null))).FirstOrDefault(p => p is not null),
            agents.Select((a, i) => AgentProblem(a, i)).FirstOrDefault(p => p is not null),
            RulesProblem(body.Rules));
        if (problem is not null)
        {
            return (null, problem);
        }

        var period = new SchedulePeriod(body.Start!.Value, body.Weeks!.Value, body.TimeZone!);
        var expanded = needs.SelectMany(n => Expand(n, period)).ToArray();
        if (expanded.Length > MaxExpandedNeeds)
        {
            return (null, $"needs expand to {expanded.Length} day entries; at most {MaxExpandedNeeds}");
        }

        var defaults = LabourRules.Default;
        var rules = new LabourRules(
            Hours(body.Rules?.MaxShiftHours) ?? defaults.MaxShiftLength,
            Hours(body.Rules?.MaxWeeklyHours) ?? defaults.MaxWeeklyHours,
            Hours(body.Rules?.MinRestHours) ?? defaults.MinRestBetweenShifts,
            body.Rules?.MaxConsecutiveDays ?? defaults.MaxConsecutiveWorkingDays);
        return (new OpenPeriodRequest(
            period.Start, period.Weeks, period.TimeZone, rules,
            [.. templates.Select(t => new ShiftTemplate(t.Id!, Time(t.Start)!.Value, TimeSpan.FromHours(t.Hours!.Value), t.Activity!.Value))],
            expanded,
            [.. skills.Select(s => new ActivitySkills(s.Activity!.Value, s.Skills ?? []))],
            [.. agents.Select(a => new AgentTerms(
                a.AgentId!, Hours(a.ContractedWeeklyHours), Hours(a.MaxWeeklyHours),
                a.Availability?.Select(w => new AvailabilityWindow(w.Day!.Value, Time(w.From)!.Value, Time(w.Until)!.Value)).ToArray(),
                a.Preferences is { } p ? new ShiftPreferences(p.PreferredDays ?? [], p.AvoidedDays ?? [], p.PreferredTemplates ?? [], p.AvoidedTemplates ?? []) : null))]), null);
    }

    /// <summary>"HH:mm" of a day; "24:00" is midnight at the end of the day (stored as 00:00, as the model reads it).</summary>
    public static TimeOnly? Time(string? text) =>
        text == "24:00" ? TimeOnly.MinValue
        : TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) && t.Minute % SchedulePeriod.IntervalMinutes == 0 ? t
        : null;

    private static TimeSpan? Hours(double? hours) => hours is { } h ? TimeSpan.FromHours(h) : null;

    private static string? TimeProblem(string field, string? text) =>
        Time(text) is null ? $"{field} must be a time HH:mm on the half hour, 00:00 to 24:00 (got '{text}')" : null;

    private static string? TemplateProblem(TemplateBody t, int i) => Validate.FirstProblem(
        Validate.Id($"templates[{i}].id", t.Id),
        TimeProblem($"templates[{i}].start", t.Start),
        t.Start == "24:00" ? $"templates[{i}].start must be before 24:00" : null,
        t.Hours is not (>= 0.5 and <= 24) || t.Hours * 2 % 1 != 0 ? $"templates[{i}].hours must be 0.5 to 24 in half hours" : null,
        Validate.Defined($"templates[{i}].activity", t.Activity));

    private static string? NeedProblem(NeedBody n, int i) => Validate.FirstProblem(
        Validate.Defined($"needs[{i}].activity", n.Activity),
        n.Date is not null && n.Days is not null ? $"needs[{i}]: give date or days, not both" : null,
        (n.Days ?? []).Any(d => !Enum.IsDefined(d)) ? $"needs[{i}].days must be weekday names" : null,
        TimeProblem($"needs[{i}].from", n.From),
        TimeProblem($"needs[{i}].until", n.Until),
        Validate.Range($"needs[{i}].agents", n.Agents ?? -1, 0, 500));

    private static string? AgentProblem(AgentTermsBody a, int i) => Validate.FirstProblem(
        Validate.Id($"agents[{i}].agentId", a.AgentId),
        a.ContractedWeeklyHours is not (null or (>= 0 and <= 80)) ? $"agents[{i}].contractedWeeklyHours must be 0 to 80" : null,
        a.MaxWeeklyHours is not (null or (> 0 and <= 80)) ? $"agents[{i}].maxWeeklyHours must be above 0 and at most 80" : null,
        Validate.Range($"agents[{i}].availability.length", a.Availability?.Count ?? 0, 0, 50),
        (a.Availability ?? []).Select((w, j) => Validate.FirstProblem(
            Validate.Defined($"agents[{i}].availability[{j}].day", w.Day),
            TimeProblem($"agents[{i}].availability[{j}].from", w.From),
            TimeProblem($"agents[{i}].availability[{j}].until", w.Until))).FirstOrDefault(p => p is not null));

    private static string? RulesProblem(RulesBody? r) => r is null ? null : Validate.FirstProblem(
        r.MaxShiftHours is not (null or (> 0 and <= 24)) ? "rules.maxShiftHours must be above 0 and at most 24" : null,
        r.MaxWeeklyHours is not (null or (> 0 and <= 168)) ? "rules.maxWeeklyHours must be above 0 and at most 168" : null,
        r.MinRestHours is not (null or (>= 0 and <= 48)) ? "rules.minRestHours must be 0 to 48" : null,
        r.MaxConsecutiveDays is not (null or (>= 1 and <= 28)) ? "rules.maxConsecutiveDays must be 1 to 28" : null);

    private static IEnumerable<CoverageNeed> Expand(NeedBody n, SchedulePeriod period)
    {
        var from = Time(n.From)!.Value;
        var until = Time(n.Until)!.Value;
        var dates = n.Date is { } date ? [date] : period.Dates.Where(d => n.Days is null || n.Days.Contains(d.DayOfWeek));
        return dates.Select(d => new CoverageNeed(n.Activity!.Value, d, from, until, n.Agents!.Value));
    }
}
