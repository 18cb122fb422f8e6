using static Agile.CustomerService.Scheduling.ScheduleDecision;
using static Agile.CustomerService.Scheduling.Tests.Given;

namespace Agile.CustomerService.Scheduling.Tests.SelfScheduling;

public sealed class ShiftDecisionsTests
{
    [Fact]
    public void ClaimOpenShift_OpenShiftWithinRules_Claimed()
    {
        var open = Shift(null, 1, Early);
        var given = Team().With(open);

        var decision = ShiftDecisions.Decide(given, new ClaimOpenShift(open.Id, "ana"));

        var approved = Assert.IsType<Approved>(decision);
        Assert.Equal([new ShiftClaimed(open with { AgentId = "ana" })], approved.Events);
    }

    [Fact]
    public void ClaimOpenShift_RestTooShortAfterOwnLateShift_RejectedNamingRule()
    {
        var open = Shift(null, 3, Early);
        var given = Team().With(open, Shift("ana", 2, Late));

        var decision = ShiftDecisions.Decide(given, new ClaimOpenShift(open.Id, "ana"));

        var rejected = Assert.IsType<Rejected>(decision);
        Assert.Equal(["rest between shifts 9 h < 11 h for agent ana on 2026-12-03"], rejected.Reasons.Messages());
    }

    [Fact]
    public void ClaimOpenShift_AgentLacksSkill_RejectedNamingSkill()
    {
        var open = Shift(null, 1, Chat);
        var given = Team().With(open);

        var decision = ShiftDecisions.Decide(given, new ClaimOpenShift(open.Id, "cas"));

        var rejected = Assert.IsType<Rejected>(decision);
        Assert.Equal(ScheduleRule.Skills, Assert.Single(rejected.Reasons).Rule);
    }

    [Fact]
    public void ClaimOpenShift_AlreadyClaimedBySameAgent_AlreadyApplied()
    {
        var claimed = Shift("ana", 1, Early);
        var given = Team().With(claimed);

        var decision = ShiftDecisions.Decide(given, new ClaimOpenShift(claimed.Id, "ana"));

        Assert.IsType<AlreadyApplied>(decision);
    }

    [Fact]
    public void ClaimOpenShift_ClaimedByAnotherAgent_Rejected()
    {
        var claimed = Shift("ben", 1, Early);
        var given = Team().With(claimed);

        var decision = ShiftDecisions.Decide(given, new ClaimOpenShift(claimed.Id, "ana"));

        var rejected = Assert.IsType<Rejected>(decision);
        Assert.Equal([$"shift {claimed.Id} is not open: agent ben has it"], rejected.Reasons.Messages());
    }

    [Fact]
    public void ClaimShift_FromTemplateWithinRules_Claimed()
    {
        var id = Guid.NewGuid();
        var given = Team();

        var decision = ShiftDecisions.Decide(given, new ClaimShift(id, "ana", Day(4), "late"));

        var approved = Assert.IsType<Approved>(decision);
        Assert.Equal([new ShiftClaimed(new Shift(id, "ana", Day(4), Late.Start, Late.Length, ShiftActivity.Phone, "late"))], approved.Events);
    }

    [Fact]
    public void ClaimShift_SeventhDayInARow_RejectedNamingRule()
    {
        var given = Team().With([.. Enumerable.Range(3, 6).Select(d => Shift("ana", d, Early))]);

        var decision = ShiftDecisions.Decide(given, new ClaimShift(Guid.NewGuid(), "ana", Day(9), "early"));

        var rejected = Assert.IsType<Rejected>(decision);
        Assert.Equal(["7 consecutive working days > 6 for agent ana from 2026-12-03 to 2026-12-09"], rejected.Reasons.Messages());
    }

    [Fact]
    public void ClaimShift_DateOutsidePeriod_Rejected()
    {
        var given = Team();

        var decision = ShiftDecisions.Decide(given, new ClaimShift(Guid.NewGuid(), "ana", Day(14), "early"));

        var rejected = Assert.IsType<Rejected>(decision);
        Assert.Equal(["2026-12-14 is outside the schedule period 2026-11-30 to 2026-12-13 for agent ana"], rejected.Reasons.Messages());
    }

    [Fact]
    public void ReleaseShift_OwnShiftCoveringNeed_BecomesOpenAndNamesGap()
    {
        var mine = Shift("ana", 1, Early);
        var given = Team().Needing(ShiftActivity.Phone, 1, 8, 9, 1).With(mine);

        var decision = ShiftDecisions.Decide(given, new ReleaseShift(mine.Id, "ana"));

        var approved = Assert.IsType<Approved>(decision);
        Assert.Equal([new ShiftReleased(mine.Id, "ana")], approved.Events);
        Assert.Equal(
            ["coverage for Phone on 2026-12-01 08:00-08:30 would drop to 0 < need 1", "coverage for Phone on 2026-12-01 08:30-09:00 would drop to 0 < need 1"],
            approved.Notices.Messages());
        Assert.True(given.Apply(approved.Events).FindShift(mine.Id)!.IsOpen);
    }

    [Fact]
    public void ReleaseShift_SomeoneElsesShift_Rejected()
    {
        var theirs = Shift("ben", 1, Early);
        var given = Team().With(theirs);

        var decision = ShiftDecisions.Decide(given, new ReleaseShift(theirs.Id, "ana"));

        Assert.IsType<Rejected>(decision);
    }

    [Fact]
    public void SwapShifts_CoverageAndRulesHold_ApprovedAutomatically()
    {
        var mine = Shift("ana", 1, Early);
        var theirs = Shift("ben", 2, Late);
        var given = Team().Needing(ShiftActivity.Phone, 1, 8, 12, 1).Needing(ShiftActivity.Phone, 2, 18, 22, 1).With(mine, theirs);
        var swap = new SwapShifts(Guid.NewGuid(), "ana", mine.Id, "ben", theirs.Id);

        var decision = ShiftDecisions.Decide(given, swap);

        var approved = Assert.IsType<Approved>(decision);
        Assert.Equal([new ShiftsSwapped(swap.SwapId, mine.Id, "ana", theirs.Id, "ben")], approved.Events);
        var after = given.Apply(approved.Events);
        Assert.Equal(("ben", "ana"), (after.FindShift(mine.Id)!.AgentId, after.FindShift(theirs.Id)!.AgentId));
    }

    [Fact]
    public void SwapShifts_PeerWouldRestTooLittle_NeedsTeamDecisionNamingRuleAndPeer()
    {
        var mine = Shift("ana", 3, Early);
        var given = Team().With(mine, Shift("ben", 2, Late));
        var swap = new SwapShifts(Guid.NewGuid(), "ana", mine.Id, "ben", null);

        var decision = ShiftDecisions.Decide(given, swap);

        var referred = Assert.IsType<NeedsTeamDecision>(decision);
        Assert.Equal(["rest between shifts 9 h < 11 h for agent ben on 2026-12-03"], referred.Reasons.Messages());
        Assert.Equal(swap, Assert.IsType<SwapReferredToTeam>(Assert.Single(referred.Events)).Swap);
    }

    [Fact]
    public void SwapShifts_PeerOnApprovedTimeOff_RejectedNamingTimeOff()
    {
        var mine = Shift("ana", 1, Early);
        var given = Team().With(mine).WithTimeOff("ben", At(1, 0), At(2, 0));

        var decision = ShiftDecisions.Decide(given, new SwapShifts(Guid.NewGuid(), "ana", mine.Id, "ben", null));

        var rejected = Assert.IsType<Rejected>(decision);
        Assert.Equal(ScheduleRule.TimeOff, Assert.Single(rejected.Reasons).Rule);
    }

    [Fact]
    public void SwapShifts_PeerLacksChatSkill_NeedsTeamDecisionNamingSkillAndCoverage()
    {
        var mine = Shift("ana", 1, Chat);
        var given = Team().Needing(ShiftActivity.Chat, 1, 9, 10, 1).With(mine);
        var swap = new SwapShifts(Guid.NewGuid(), "ana", mine.Id, "cas", null);

        var decision = ShiftDecisions.Decide(given, swap);

        var referred = Assert.IsType<NeedsTeamDecision>(decision);
        Assert.Equal(
            [
                "agent cas lacks skill chat needed for Chat on 2026-12-01",
                "coverage for Chat on 2026-12-01 09:00-09:30 would drop to 0 < need 1",
                "coverage for Chat on 2026-12-01 09:30-10:00 would drop to 0 < need 1",
            ],
            referred.Reasons.Messages());
        Assert.Equal(swap, Assert.IsType<SwapReferredToTeam>(Assert.Single(referred.Events)).Swap);
    }

    [Fact]
    public void SwapShifts_RedeliveredAfterSwap_AlreadyApplied()
    {
        var mine = Shift("ana", 1, Early);
        var theirs = Shift("ben", 2, Early);
        var swap = new SwapShifts(Guid.NewGuid(), "ana", mine.Id, "ben", theirs.Id);
        var given = Team().With(mine, theirs);
        var once = given.Apply(((Approved)ShiftDecisions.Decide(given, swap)).Events);

        var decision = ShiftDecisions.Decide(once, swap);

        Assert.IsType<AlreadyApplied>(decision);
    }

    [Fact]
    public void SwapShifts_ShiftNotTheRequesters_Rejected()
    {
        var theirs = Shift("ben", 1, Early);
        var given = Team().With(theirs);

        var decision = ShiftDecisions.Decide(given, new SwapShifts(Guid.NewGuid(), "ana", theirs.Id, "cas", null));

        var rejected = Assert.IsType<Rejected>(decision);
        Assert.Equal([$"shift {theirs.Id} is not agent ana's to swap"], rejected.Reasons.Messages());
    }

    [Fact]
    public void DecideSwap_TeamApprovesDespiteCoverage_Swapped()
    {
        var mine = Shift("ana", 1, Chat);
        var swap = new SwapShifts(Guid.NewGuid(), "ana", mine.Id, "cas", null);
        var given = Team().Needing(ShiftActivity.Chat, 1, 9, 10, 1).With(mine);

        var decision = ShiftDecisions.Decide(given, new DecideSwap(swap, Approve: true));

        var approved = Assert.IsType<Approved>(decision);
        Assert.Equal([new ShiftsSwapped(swap.SwapId, mine.Id, "ana", null, "cas")], approved.Events);
        Assert.Equal(3, approved.Notices.Count);
    }

    [Fact]
    public void DecideSwap_TeamApprovesDespiteShortRest_SwappedWithRuleAsNotice()
    {
        var mine = Shift("ana", 3, Early);
        var swap = new SwapShifts(Guid.NewGuid(), "ana", mine.Id, "ben", null);
        var given = Team().With(mine, Shift("ben", 2, Late));

        var decision = ShiftDecisions.Decide(given, new DecideSwap(swap, Approve: true));

        var approved = Assert.IsType<Approved>(decision);
        Assert.Equal([new ShiftsSwapped(swap.SwapId, mine.Id, "ana", null, "ben")], approved.Events);
        Assert.Equal(ScheduleRule.RestBetweenShifts, Assert.Single(approved.Notices).Rule);
    }

    [Fact]
    public void DecideSwap_TeamDeclines_Declined()
    {
        var swap = new SwapShifts(Guid.NewGuid(), "ana", Guid.NewGuid(), "ben", null);

        var decision = ShiftDecisions.Decide(Team(), new DecideSwap(swap, Approve: false));

        Assert.Equal([new SwapDeclined(swap.SwapId)], Assert.IsType<Approved>(decision).Events);
    }

    [Fact]
    public void RequestTimeOff_CoverageHoldsWithoutTheShift_ApprovedAndShiftCancelled()
    {
        var mine = Shift("ana", 1, Early);
        var given = Team().Needing(ShiftActivity.Phone, 1, 8, 12, 1).With(mine, Shift("ben", 1, Early));
        var request = new RequestTimeOff(Guid.NewGuid(), "ana", At(1, 0), At(2, 0));

        var decision = ShiftDecisions.Decide(given, request);

        var approved = Assert.IsType<Approved>(decision);
        Assert.Equal(
            [new TimeOffApproved(new TimeOff(request.RequestId, "ana", At(1, 0), At(2, 0))), new ShiftCancelled(mine.Id, "ana")],
            approved.Events);
    }

    [Fact]
    public void RequestTimeOff_CoverageWouldDrop_NeedsTeamDecisionNamingIntervals()
    {
        var mine = Shift("ana", 3, Early);
        var given = Team().Needing(ShiftActivity.Phone, 3, 9, 10, 3).With(mine, Shift("ben", 3, Early), Shift("cas", 3, Early));
        var request = new RequestTimeOff(Guid.NewGuid(), "ana", At(3, 0), At(4, 0));

        var decision = ShiftDecisions.Decide(given, request);

        var referred = Assert.IsType<NeedsTeamDecision>(decision);
        Assert.Equal(
            ["coverage for Phone on 2026-12-03 09:00-09:30 would drop to 2 < need 3", "coverage for Phone on 2026-12-03 09:30-10:00 would drop to 2 < need 3"],
            referred.Reasons.Messages());
    }

    [Fact]
    public void RequestTimeOff_EndBeforeStart_Rejected()
    {
        var decision = ShiftDecisions.Decide(Team(), new RequestTimeOff(Guid.NewGuid(), "ana", At(3, 0), At(2, 0)));

        Assert.Equal(["time off must end after it starts"], Assert.IsType<Rejected>(decision).Reasons.Messages());
    }

    [Fact]
    public void RequestTimeOff_AlreadyApproved_AlreadyApplied()
    {
        var request = new RequestTimeOff(Guid.NewGuid(), "ana", At(3, 0), At(4, 0));
        var given = Team().Apply(((Approved)ShiftDecisions.Decide(Team(), request)).Events);

        var decision = ShiftDecisions.Decide(given, request);

        Assert.IsType<AlreadyApplied>(decision);
    }

    [Fact]
    public void DecideTimeOff_TeamApprovesDespiteGap_ShiftReleasedAsOpenShift()
    {
        var needed = Shift("ana", 3, Early);
        var spare = Shift("ana", 4, Chat);
        var given = Team().Needing(ShiftActivity.Phone, 3, 9, 10, 1).With(needed, spare);
        var request = new RequestTimeOff(Guid.NewGuid(), "ana", At(3, 0), At(5, 0));

        var decision = ShiftDecisions.Decide(given, new DecideTimeOff(request, Approve: true));

        var approved = Assert.IsType<Approved>(decision);
        Assert.Equal(
            [new TimeOffApproved(new TimeOff(request.RequestId, "ana", At(3, 0), At(5, 0))), new ShiftReleased(needed.Id, "ana"), new ShiftCancelled(spare.Id, "ana")],
            approved.Events);
    }

    [Fact]
    public void DecideTimeOff_TeamDeclines_Declined()
    {
        var request = new RequestTimeOff(Guid.NewGuid(), "ana", At(3, 0), At(4, 0));

        var decision = ShiftDecisions.Decide(Team(), new DecideTimeOff(request, Approve: false));

        Assert.Equal([new TimeOffDeclined(request.RequestId, "ana")], Assert.IsType<Approved>(decision).Events);
    }

    [Fact]
    public void OpenShiftsForGaps_UncoveredMorningNeed_PublishesOpenShiftCoveringIt()
    {
        var given = Team().Needing(ShiftActivity.Phone, 2, 8, 12, 1);

        var published = ShiftDecisions.OpenShiftsForGaps(given, Guid.NewGuid);

        var open = Assert.Single(published).Shift;
        Assert.Equal((null, Day(2), "early"), (open.AgentId, open.Date, open.TemplateId));
        var claimed = given.With([.. published.Select(p => p.Shift with { AgentId = "ana" })]);
        Assert.IsType<RuleCheck.Holds>(ScheduleRules.ValidateCoverage(claimed));
    }

    [Fact]
    public void OpenShiftsForGaps_CalledAgain_PublishesNothingNew()
    {
        var given = Team().Needing(ShiftActivity.Phone, 2, 8, 22, 2).Needing(ShiftActivity.Chat, 3, 9, 17, 1);
        var once = given.Apply(ShiftDecisions.OpenShiftsForGaps(given, Guid.NewGuid));

        var again = ShiftDecisions.OpenShiftsForGaps(once, Guid.NewGuid);

        Assert.Empty(again);
    }

    [Fact]
    public void OpenShiftsForGaps_NeedAlreadyCovered_PublishesNothing()
    {
        var given = Team().Needing(ShiftActivity.Phone, 2, 8, 12, 1).With(Shift("ana", 2, Early));

        var published = ShiftDecisions.OpenShiftsForGaps(given, Guid.NewGuid);

        Assert.Empty(published);
    }
}
