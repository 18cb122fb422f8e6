using Agile.CustomerService.Domain.Authority;
using Agile.CustomerService.Domain.Organisation;
using CsCheck;

namespace Agile.CustomerService.Domain.Tests.Authority;

public sealed class AuthorityLimitsTests
{
    [Theory]
    [InlineData(AgentLevel.New, 25, true)]
    [InlineData(AgentLevel.New, 25.01, false)]
    [InlineData(AgentLevel.Proficient, 75, true)]
    [InlineData(AgentLevel.Expert, 150, true)]
    [InlineData(AgentLevel.Expert, 150.5, false)]
    public void GoodwillCredit_DefaultLimits_RiseWithMaturity(AgentLevel level, double amount, bool within)
    {
        var decision = AuthorityCatalogue.Decide(CustomerActionKind.GoodwillCredit, (decimal)amount, level, agreement: null);

        Assert.Equal(within, decision is WithinAuthority);
    }

    [Fact]
    public void BeyondTheLimit_SaysWhichLimitAndLevel()
    {
        var decision = Assert.IsType<NeedsApproval>(AuthorityCatalogue.Decide(CustomerActionKind.Refund, 200m, AgentLevel.Proficient, null));

        Assert.Equal(150m, decision.Limit);
        Assert.Equal("Refund of 200 EUR is beyond the Proficient limit of 150 EUR", decision.Why);
    }

    [Fact]
    public void TeamAgreement_ReplacesTheDefaultsForItsActionsOnly()
    {
        var agreement = new TeamAgreement("north-1", [new ActionLimits(CustomerActionKind.Refund, "EUR", 100m, 300m, 600m, 2000m)], "north-1-a08", DateTimeOffset.UnixEpoch);

        Assert.IsType<WithinAuthority>(AuthorityCatalogue.Decide(CustomerActionKind.Refund, 90m, AgentLevel.New, agreement));
        Assert.IsType<NeedsApproval>(AuthorityCatalogue.Decide(CustomerActionKind.GoodwillCredit, 90m, AgentLevel.New, agreement));
    }

    [Theory]
    [InlineData(10, 5, 20, "must not fall")]
    [InlineData(-1, 5, 20, "cannot be negative")]
    [InlineData(10, 20, 2001, "ceiling of 2000")]
    public void Agreement_OutsideTheRules_IsRejectedWithTheReason(int newLimit, int proficient, int expert, string mentions)
    {
        var problem = AuthorityCatalogue.Problem([new ActionLimits(CustomerActionKind.Refund, "EUR", newLimit, proficient, expert, 0m)]);

        Assert.Contains(mentions, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Agreement_NamingAnActionTwice_IsRejected() =>
        Assert.Contains("more than once", AuthorityCatalogue.Problem(
        [
            new ActionLimits(CustomerActionKind.FeeWaiver, "EUR", 1m, 2m, 3m, 0m),
            new ActionLimits(CustomerActionKind.FeeWaiver, "EUR", 1m, 2m, 3m, 0m),
        ]), StringComparison.Ordinal);

    [Fact]
    public void Decide_IsWithinExactlyWhenTheAmountIsAtMostTheLevelsLimit() =>
        Gen.Select(Gen.Enum<CustomerActionKind>(), Gen.Enum<AgentLevel>(), Gen.Int[0, 300_000])
            .Sample((action, level, cents) =>
            {
                var amount = cents / 100m;
                var limit = AuthorityCatalogue.LimitsFor(action, null).For(level);
                var decision = AuthorityCatalogue.Decide(action, amount, level, null);
                return decision.Limit == limit && (decision is WithinAuthority) == (amount <= limit);
            });

    [Fact]
    public void DefaultCatalogue_SatisfiesItsOwnRules() => Assert.Null(AuthorityCatalogue.Problem(AuthorityCatalogue.Default));
}
