namespace Agile.CustomerService.Scheduling;

/// <summary>
/// How many agents an activity needs on <paramref name="Date"/> in every 30-minute interval of
/// [<paramref name="From"/>, <paramref name="Until"/>); an <paramref name="Until"/> of 00:00 means midnight at
/// the end of the day. Where two needs of one activity overlap, the larger one counts.
/// </summary>
public sealed record CoverageNeed(ShiftActivity Activity, DateOnly Date, TimeOnly From, TimeOnly Until, int Agents)
{
    public DateTime StartsAt => Date.ToDateTime(From);

    public DateTime EndsAt => Until == TimeOnly.MinValue
        ? Date.AddDays(1).ToDateTime(TimeOnly.MinValue)
        : Date.ToDateTime(Until);
}
