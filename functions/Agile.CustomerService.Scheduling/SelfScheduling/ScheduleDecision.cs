namespace Agile.CustomerService.Scheduling;

/// <summary>The outcome of a self-scheduling decision. Closed: one of the four records below.</summary>
public abstract record ScheduleDecision
{
    private ScheduleDecision()
    {
    }

    /// <summary>Done: apply <see cref="Events"/>. <see cref="Notices"/> tells what the change leaves open (e.g. coverage a release drops).</summary>
    public sealed record Approved(IReadOnlyList<ScheduleEvent> Events, IReadOnlyList<Violation> Notices) : ScheduleDecision
    {
        public Approved(params ScheduleEvent[] events)
            : this(events, [])
        {
        }
    }

    /// <summary>A swap or time off that would break coverage, skills or a labour rule: the team decides, knowing <see cref="Reasons"/>.</summary>
    public sealed record NeedsTeamDecision(IReadOnlyList<Violation> Reasons, IReadOnlyList<ScheduleEvent> Events) : ScheduleDecision;

    /// <summary>Not possible: <see cref="Reasons"/> names the rule (a labour rule of a claim, time off, the period) or the request's problem.</summary>
    public sealed record Rejected(IReadOnlyList<Violation> Reasons) : ScheduleDecision
    {
        public Rejected(string problem)
            : this([new InvalidRequest(problem)])
        {
        }
    }

    /// <summary>Already done before (a redelivered command): nothing changes.</summary>
    public sealed record AlreadyApplied : ScheduleDecision
    {
        public static AlreadyApplied Instance { get; } = new();
    }
}
