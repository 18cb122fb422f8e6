namespace Agile.CustomerService.Scheduling;

/// <summary>
/// A shift on <paramref name="Date"/> from <paramref name="Start"/> for <paramref name="Length"/> (local time; it may run
/// past midnight). An open shift has no agent: it is a gap anyone qualified may claim.
/// </summary>
public sealed record Shift(
    Guid Id,
    string? AgentId,
    DateOnly Date,
    TimeOnly Start,
    TimeSpan Length,
    ShiftActivity Activity,
    string? TemplateId = null)
{
    public bool IsOpen => AgentId is null;

    public DateTime StartsAt => Date.ToDateTime(Start);

    public DateTime EndsAt => StartsAt + Length;

    /// <summary>A late shift ends after 20:00 or past midnight; fairness spreads them evenly.</summary>
    public bool IsLate => EndsAt > Date.ToDateTime(LateAfter);

    /// <summary>A weekend shift starts on a Saturday or a Sunday.</summary>
    public bool IsWeekend => Date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;

    public static TimeOnly LateAfter { get; } = new(20, 0);

    public bool Overlaps(DateTime from, DateTime until) => StartsAt < until && from < EndsAt;

    public static Shift FromTemplate(Guid id, string? agentId, DateOnly date, ShiftTemplate template) =>
        new(id, agentId, date, template.Start, template.Length, template.Activity, template.Id);
}

/// <summary>Approved time off of an agent, from <paramref name="From"/> until <paramref name="Until"/> (local time).</summary>
public sealed record TimeOff(Guid Id, string AgentId, DateTime From, DateTime Until)
{
    public bool Overlaps(Shift shift) => shift.Overlaps(From, Until);
}
