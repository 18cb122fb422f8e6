using System.Collections.Concurrent;
using System.Globalization;

namespace Agile.CustomerService.Scheduling;

/// <summary>Local wall-clock time to elapsed time, for the period's time zone.</summary>
public static class ScheduleTime
{
    private static readonly ConcurrentDictionary<string, TimeZoneInfo?> Zones = new(StringComparer.Ordinal);

    /// <summary>The zone for an IANA id, "UTC" or a fixed offset such as "+01:00"; null when unknown.</summary>
    public static TimeZoneInfo? FindZone(string timeZone) => Zones.GetOrAdd(timeZone, Parse);

    /// <summary>Elapsed time between two local times of the period's zone.</summary>
    public static TimeSpan Elapsed(SchedulePeriod period, DateTime fromLocal, DateTime untilLocal)
    {
        var zone = FindZone(period.TimeZone);
        if (zone is null || !zone.SupportsDaylightSavingTime)
        {
            return untilLocal - fromLocal;
        }

        return ToUtc(zone, untilLocal) - ToUtc(zone, fromLocal);
    }

    /// <summary>A local time of the period's zone in UTC (a skipped local time moves forward by the gap).</summary>
    public static DateTime ToUtc(SchedulePeriod period, DateTime local) =>
        ToUtc(FindZone(period.TimeZone) ?? TimeZoneInfo.Utc, local);

    private static DateTime ToUtc(TimeZoneInfo zone, DateTime local)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(unspecified))
        {
            unspecified = unspecified.AddMinutes(SchedulePeriod.IntervalMinutes);
        }

        return TimeZoneInfo.ConvertTimeToUtc(unspecified, zone);
    }

    private static TimeZoneInfo? Parse(string timeZone)
    {
        if (timeZone is "UTC" or "Z" or "Etc/UTC")
        {
            return TimeZoneInfo.Utc;
        }

        if (timeZone.Length == 6 && timeZone[0] is '+' or '-'
            && TimeSpan.TryParseExact(timeZone[1..], @"hh\:mm", CultureInfo.InvariantCulture, out var offset)
            && offset <= TimeSpan.FromHours(14))
        {
            var signed = timeZone[0] == '-' ? -offset : offset;
            return TimeZoneInfo.CreateCustomTimeZone(timeZone, signed, timeZone, timeZone);
        }

        return TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone) ? zone : null;
    }
}
