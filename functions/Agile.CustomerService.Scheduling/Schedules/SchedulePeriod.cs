namespace Agile.CustomerService.Scheduling;

/// <summary>
/// A schedule period of 2 to 4 weeks, cut into 30-minute intervals of local wall-clock time.
/// <paramref name="TimeZone"/> is an IANA id ("Europe/Amsterdam"), "UTC", or a fixed offset ("+01:00").
/// Dates and times in the schedule are local to that zone; only the rest rule is measured in
/// elapsed time, so a daylight-saving change lengthens or shortens a rest by an hour.
/// </summary>
public sealed record SchedulePeriod(DateOnly Start, int Weeks, string TimeZone)
{
    public const int IntervalMinutes = 30;
    public const int IntervalsPerDay = 24 * 60 / IntervalMinutes;
    public const int MinWeeks = 2;
    public const int MaxWeeks = 4;

    public int Days => Weeks * 7;

    /// <summary>The first day after the period.</summary>
    public DateOnly End => Start.AddDays(Days);

    public int IntervalCount => Days * IntervalsPerDay;

    public DateTime StartsAt => Start.ToDateTime(TimeOnly.MinValue);

    public DateTime EndsAt => End.ToDateTime(TimeOnly.MinValue);

    public IEnumerable<DateOnly> Dates => Enumerable.Range(0, Days).Select(Start.AddDays);

    public bool Contains(DateOnly date) => date >= Start && date < End;

    public int DayIndex(DateOnly date) => date.DayNumber - Start.DayNumber;

    /// <summary>Week number inside the period (0-based); weeks start on the period's first day.</summary>
    public int WeekOf(DateOnly date) => DayIndex(date) / 7;

    public DateOnly WeekStart(int week) => Start.AddDays(week * 7);

    public DateTime IntervalStart(int index) => StartsAt.AddMinutes(index * IntervalMinutes);

    /// <summary>The index of the interval holding <paramref name="local"/>, possibly outside 0..IntervalCount-1.</summary>
    public int IntervalIndex(DateTime local) =>
        (int)Math.Floor((local - StartsAt).TotalMinutes / IntervalMinutes);

    /// <summary>The intervals inside the period that [from, until) touches.</summary>
    public (int First, int End) IntervalRange(DateTime from, DateTime until)
    {
        var first = Math.Max(0, IntervalIndex(from));
        var end = Math.Min(IntervalCount, (int)Math.Ceiling((until - StartsAt).TotalMinutes / IntervalMinutes));
        return (first, Math.Max(first, end));
    }
}
