using Agile.CustomerService.Domain.Organisation;

namespace Agile.CustomerService.Domain.Authority;

/// <summary>What an agent can do for a customer without asking anyone (DOMAIN.md point 5).</summary>
public enum CustomerActionKind
{
    GoodwillCredit,
    Refund,
    FeeWaiver,
    Replacement,
}

/// <summary>
/// One action of the catalogue: the limit each agent level has by default, and the ceiling no
/// team agreement can go beyond. Amounts are in the catalogue's unit (euros, or items for a replacement).
/// </summary>
public sealed record ActionLimits(CustomerActionKind Action, string Unit, decimal New, decimal Proficient, decimal Expert, decimal Ceiling)
{
    public decimal For(AgentLevel level) => level switch
    {
        AgentLevel.New => New,
        AgentLevel.Proficient => Proficient,
        _ => Expert,
    };
}

/// <summary>A team's own agreement: limits per action and level, within the catalogue's ceilings.</summary>
public sealed record TeamAgreement(string TeamId, IReadOnlyList<ActionLimits> Limits, string AgreedBy, DateTimeOffset AgreedAt);

public abstract record AuthorityDecision(decimal Limit);

/// <summary>Within the agent's limit: done and audited at once.</summary>
public sealed record WithinAuthority(decimal Limit) : AuthorityDecision(Limit);

/// <summary>Beyond it: the team decides.</summary>
public sealed record NeedsApproval(decimal Limit, string Why) : AuthorityDecision(Limit);

public static class AuthorityCatalogue
{
    public static readonly IReadOnlyList<ActionLimits> Default =
    [
        new(CustomerActionKind.GoodwillCredit, "EUR", 25m, 75m, 150m, 500m),
        new(CustomerActionKind.Refund, "EUR", 50m, 150m, 400m, 2000m),
        new(CustomerActionKind.FeeWaiver, "EUR", 15m, 40m, 100m, 300m),
        new(CustomerActionKind.Replacement, "items", 0m, 1m, 2m, 5m),
    ];

    /// <summary>The limits that apply to a team: its agreement where it has one, the catalogue otherwise.</summary>
    public static ActionLimits LimitsFor(CustomerActionKind action, TeamAgreement? agreement) =>
        agreement?.Limits.FirstOrDefault(l => l.Action == action) ?? Default.First(l => l.Action == action);

    public static AuthorityDecision Decide(CustomerActionKind action, decimal amount, AgentLevel level, TeamAgreement? agreement)
    {
        var limits = LimitsFor(action, agreement);
        var limit = limits.For(level);
        return amount <= limit
            ? new WithinAuthority(limit)
            : new NeedsApproval(limit, $"{action} of {amount} {limits.Unit} is beyond the {level} limit of {limit} {limits.Unit}");
    }

    /// <summary>The first problem with a proposed agreement, or null: every limit within its ceiling and rising with maturity.</summary>
    public static string? Problem(IReadOnlyList<ActionLimits> limits)
    {
        foreach (var group in limits.GroupBy(l => l.Action))
        {
            if (group.Count() > 1)
            {
                return $"{group.Key} appears more than once";
            }
        }

        foreach (var l in limits)
        {
            var ceiling = Default.First(d => d.Action == l.Action).Ceiling;
            if (l.New < 0 || l.Proficient < 0 || l.Expert < 0)
            {
                return $"{l.Action}: limits cannot be negative";
            }

            if (l.Expert > ceiling || l.Proficient > ceiling || l.New > ceiling)
            {
                return $"{l.Action}: limits cannot exceed the ceiling of {ceiling}";
            }

            if (l.New > l.Proficient || l.Proficient > l.Expert)
            {
                return $"{l.Action}: limits must not fall as agents mature (new <= proficient <= expert)";
            }
        }

        return null;
    }
}
