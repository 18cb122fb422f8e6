using CsCheck;
using static Agile.CustomerService.Scheduling.ScheduleDecision;

namespace Agile.CustomerService.Scheduling.Tests.SelfScheduling;

public sealed class ShiftDecisionsPropertyTests
{
    private static readonly Gen<(int Seed, int Pick, int Other)> Cases =
        Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[0, 1000], Gen.Int[0, 1000]);

    [Fact]
    public void SwapShifts_ApprovedAutomatically_NeverLowersCoverageBelowNeedNorBreaksARule()
    {
        Cases.Sample(c =>
        {
            var given = RandomSchedules.Messy(c.Seed);
            var owned = given.Shifts.Where(s => s.AgentId is not null).ToArray();
            if (owned.Length == 0)
            {
                // Every shift is open (a few seeds in a thousand): nobody has a shift to swap.
                return;
            }

            var mine = owned[c.Pick % owned.Length];
            var peers = given.Agents.Where(a => a.Id != mine.AgentId).ToArray();
            var peer = peers[c.Other % peers.Length].Id;
            var theirs = given.ShiftsOf(peer).ElementAtOrDefault(c.Other % 3);
            var swap = new SwapShifts(Guid.NewGuid(), mine.AgentId!, mine.Id, peer, theirs?.Id);

            if (ShiftDecisions.Decide(given, swap) is Approved approved)
            {
                var after = given.Apply(approved.Events);
                Assert.IsType<RuleCheck.Holds>(ScheduleRules.ValidateCoverageChange(given, after));
                Assert.IsType<RuleCheck.Holds>(ScheduleRules.ValidateChange(given, after, [swap.RequesterId, swap.PeerId]));
                Assert.IsType<AlreadyApplied>(ShiftDecisions.Decide(after, swap));
            }
        }, iter: 400);
    }

    [Fact]
    public void RequestTimeOff_ApprovedAutomatically_NeverLowersCoverageBelowNeedAndLeavesNoShiftInIt()
    {
        Cases.Sample(c =>
        {
            var given = RandomSchedules.Messy(c.Seed);
            var agent = given.Agents[c.Pick % given.Agents.Count].Id;
            var from = given.Period.StartsAt.AddHours(c.Other % (14 * 24));
            var request = new RequestTimeOff(Guid.NewGuid(), agent, from, from.AddHours(4 + (c.Pick % 72)));

            if (ShiftDecisions.Decide(given, request) is Approved approved)
            {
                var after = given.Apply(approved.Events);
                Assert.IsType<RuleCheck.Holds>(ScheduleRules.ValidateCoverageChange(given, after));
                Assert.IsType<RuleCheck.Holds>(ScheduleRules.ValidateTimeOff(after, agent));
                Assert.IsType<AlreadyApplied>(ShiftDecisions.Decide(after, request));
            }
        }, iter: 400);
    }

    [Fact]
    public void ClaimOpenShift_Approved_BreaksNoRuleThatHeldBefore()
    {
        Cases.Sample(c =>
        {
            var given = RandomSchedules.Messy(c.Seed);
            var open = given.Shifts.Where(s => s.IsOpen).ToArray();
            var agent = given.Agents[c.Pick % given.Agents.Count].Id;
            if (open.Length == 0)
            {
                return;
            }

            var claim = new ClaimOpenShift(open[c.Other % open.Length].Id, agent);
            if (ShiftDecisions.Decide(given, claim) is Approved approved)
            {
                var after = given.Apply(approved.Events);
                Assert.IsType<RuleCheck.Holds>(ScheduleRules.ValidateChange(given, after, [agent]));
                Assert.IsType<AlreadyApplied>(ShiftDecisions.Decide(after, claim));
            }
        }, iter: 400);
    }

    [Fact]
    public void OpenShiftsForGaps_ThenEveryOpenShiftFilled_CoversEveryNeed()
    {
        Gen.Int[0, int.MaxValue].Sample(seed =>
        {
            var given = RandomSchedules.Messy(seed) with { Shifts = [] };

            var published = ShiftDecisions.OpenShiftsForGaps(given, Guid.NewGuid);

            var filled = given with { Shifts = [.. published.Select(p => p.Shift with { AgentId = p.Shift.Activity == ShiftActivity.Chat ? "ana" : "cas" })] };
            Assert.IsType<RuleCheck.Holds>(ScheduleRules.ValidateCoverage(filled));
        }, iter: 200);
    }
}
