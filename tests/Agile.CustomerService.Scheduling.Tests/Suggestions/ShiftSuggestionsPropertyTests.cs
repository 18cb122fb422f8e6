using CsCheck;

namespace Agile.CustomerService.Scheduling.Tests.Suggestions;

public sealed class ShiftSuggestionsPropertyTests
{
    [Fact]
    public void Suggest_RandomSmallTeams_NeverBreaksAHardRuleAndKeepsEveryClaim()
    {
        Gen.Int[0, int.MaxValue].Sample(seed =>
        {
            var given = RandomSchedules.Claimed(seed);

            var suggestion = ShiftSuggestions.Suggest(given, new SuggestionOptions(TimeSpan.FromSeconds(0.5)), Guid.NewGuid);

            var after = suggestion.Schedule;
            Assert.IsType<RuleCheck.Holds>(ScheduleRules.ValidateLabourRules(after));
            Assert.All(given.Agents, a => Assert.IsType<RuleCheck.Holds>(ScheduleRules.ValidateAvailability(after, a.Id)));
            Assert.All(given.Shifts, claim => Assert.Contains(claim, after.Shifts));
            Assert.InRange(suggestion.ShortfallLowerBound, 0, suggestion.Shortfall);
            Assert.Equal(CoverageReport.For(after).Totals.Shortfall, suggestion.Shortfall);
        }, iter: 12, threads: 1);
    }
}
