namespace Agile.CustomerService.Scheduling;

/// <summary>The result of a rule check: every rule holds, or the list of what is broken. Closed.</summary>
public abstract record RuleCheck
{
    private RuleCheck()
    {
    }

    public abstract IReadOnlyList<Violation> Violations { get; }

    public static RuleCheck Of(IEnumerable<Violation> violations)
    {
        var list = violations.ToArray();
        return list.Length == 0 ? Holds.Instance : new Broken(list);
    }

    public sealed record Holds : RuleCheck
    {
        public static Holds Instance { get; } = new();

        public override IReadOnlyList<Violation> Violations => [];
    }

    public sealed record Broken(IReadOnlyList<Violation> Violations) : RuleCheck
    {
        public override IReadOnlyList<Violation> Violations { get; } = Violations;
    }
}
