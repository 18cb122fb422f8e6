namespace Agile.CustomerService.Domain.Metrics;

/// <summary>Cases answered and answered within the SLA target, for one customer tier.</summary>
public sealed record SlaCount(int Answered, int Met)
{
    public static readonly SlaCount Zero = new(0, 0);

    public SlaCount Plus(SlaCount other) => new(Answered + other.Answered, Met + other.Met);
}

/// <summary>
/// A team's counts and sums for one UTC day (docs/metrics.md). Every KPI is a ratio of sums of
/// these fields over the days of a window, so a window is computed from rollups alone. The same
/// record is used as a delta: one event's contribution is a rollup with a few fields set, and
/// <see cref="Plus"/> adds it.
/// </summary>
public sealed record DailyTeamRollup(string TeamId, DateOnly Day)
{
    // Owning team: cases and their outcomes.
    public int Opened { get; init; }

    public int Repeats { get; init; }

    public int Resolved { get; init; }

    public int FirstContactResolved { get; init; }

    public int HandedOff { get; init; }

    public int Reopened { get; init; }

    public int SpilledOut { get; init; }

    public int Complaints { get; init; }

    /// <summary>Distinct customers with a resolution this day (owning team).</summary>
    public int CustomersServed { get; init; }

    // Helper team: assists given.
    public int AssistsTaken { get; init; }

    public int AssistsResolved { get; init; }

    // Handling team: offers not taken.
    public int Declined { get; init; }

    public int TimedOut { get; init; }

    // Resolving team: handle time of resolutions.
    public int Handled { get; init; }

    public long HandleSeconds { get; init; }

    public double HandleSecondsSquared { get; init; }

    // Owning team: backlog flows (a case enters when it waits for or is with a person, leaves when resolved or closed).
    public int BacklogIn { get; init; }

    public int BacklogOut { get; init; }

    /// <summary>Sum of the entry times (Unix seconds) of the cases that entered.</summary>
    public long BacklogInSeconds { get; init; }

    /// <summary>Sum of the entry times (Unix seconds) of the cases that left.</summary>
    public long BacklogOutSeconds { get; init; }

    // Owning team: time to answer against the target of the customer's tier.
    public SlaCount SlaStandard { get; init; } = SlaCount.Zero;

    public SlaCount SlaPriority { get; init; } = SlaCount.Zero;

    public SlaCount SlaVulnerable { get; init; } = SlaCount.Zero;

    // Surveys (owning team of the case or customer; pulse: the agent's team).
    public int CsatResponses { get; init; }

    public int CsatSatisfied { get; init; }

    public int CsatScoreSum { get; init; }

    public int NpsResponses { get; init; }

    public int NpsPromoters { get; init; }

    public int NpsDetractors { get; init; }

    public int PulseResponses { get; init; }

    public int PulsePromoters { get; init; }

    public int PulseDetractors { get; init; }

    public static DailyTeamRollup Empty(string teamId, DateOnly day) => new(teamId, day);

    public static string IdFor(DateOnly day) => $"rollup:{day:yyyy-MM-dd}";

    public SlaCount Sla(Organisation.CustomerTier tier) => tier switch
    {
        Organisation.CustomerTier.Priority => SlaPriority,
        Organisation.CustomerTier.Vulnerable => SlaVulnerable,
        _ => SlaStandard,
    };

    public DailyTeamRollup WithSla(Organisation.CustomerTier tier, SlaCount count) => tier switch
    {
        Organisation.CustomerTier.Priority => this with { SlaPriority = count },
        Organisation.CustomerTier.Vulnerable => this with { SlaVulnerable = count },
        _ => this with { SlaStandard = count },
    };

    /// <summary>Field-wise sum; keeps this record's team and day.</summary>
    public DailyTeamRollup Plus(DailyTeamRollup d) => this with
    {
        Opened = Opened + d.Opened,
        Repeats = Repeats + d.Repeats,
        Resolved = Resolved + d.Resolved,
        FirstContactResolved = FirstContactResolved + d.FirstContactResolved,
        HandedOff = HandedOff + d.HandedOff,
        Reopened = Reopened + d.Reopened,
        SpilledOut = SpilledOut + d.SpilledOut,
        Complaints = Complaints + d.Complaints,
        CustomersServed = CustomersServed + d.CustomersServed,
        AssistsTaken = AssistsTaken + d.AssistsTaken,
        AssistsResolved = AssistsResolved + d.AssistsResolved,
        Declined = Declined + d.Declined,
        TimedOut = TimedOut + d.TimedOut,
        Handled = Handled + d.Handled,
        HandleSeconds = HandleSeconds + d.HandleSeconds,
        HandleSecondsSquared = HandleSecondsSquared + d.HandleSecondsSquared,
        BacklogIn = BacklogIn + d.BacklogIn,
        BacklogOut = BacklogOut + d.BacklogOut,
        BacklogInSeconds = BacklogInSeconds + d.BacklogInSeconds,
        BacklogOutSeconds = BacklogOutSeconds + d.BacklogOutSeconds,
        SlaStandard = SlaStandard.Plus(d.SlaStandard),
        SlaPriority = SlaPriority.Plus(d.SlaPriority),
        SlaVulnerable = SlaVulnerable.Plus(d.SlaVulnerable),
        CsatResponses = CsatResponses + d.CsatResponses,
        CsatSatisfied = CsatSatisfied + d.CsatSatisfied,
        CsatScoreSum = CsatScoreSum + d.CsatScoreSum,
        NpsResponses = NpsResponses + d.NpsResponses,
        NpsPromoters = NpsPromoters + d.NpsPromoters,
        NpsDetractors = NpsDetractors + d.NpsDetractors,
        PulseResponses = PulseResponses + d.PulseResponses,
        PulsePromoters = PulsePromoters + d.PulsePromoters,
        PulseDetractors = PulseDetractors + d.PulseDetractors,
    };
}
