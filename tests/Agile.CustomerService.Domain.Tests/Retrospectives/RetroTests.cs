using Agile.CustomerService.Domain.Metrics;
using Agile.CustomerService.Domain.Retrospectives;
using static Agile.CustomerService.Domain.Tests.Given;

namespace Agile.CustomerService.Domain.Tests.Retrospectives;

/// <summary>Given a retro, when a member acts, then the retro changes (or not) like this.</summary>
public class RetroTests
{
    private static readonly DateOnly Day = DateOnly.FromDateTime(T0.UtcDateTime);
    private static readonly MetricsSnapshot NoMetrics = new(Day, Day, new Dictionary<string, KpiValue>(), Day, Day, new Dictionary<string, KpiValue>());

    private static Retrospective Open(Retrospective? previous = null, string sprint = "s1") =>
        Retro.Open("team-a", sprint, Day, Day.AddDays(13), "coach", T0, previous, NoMetrics);

    private static Retrospective Changed(RetroDecision decision) => Assert.IsType<RetroChanged>(decision).Retro;

    [Fact]
    public void Open_AfterARetroWithActions_ReviewsThemFirst()
    {
        var previous = Changed(Retro.AddAction(Open(), new ActionItem("act-1", "FAQ", "a1", Day.AddDays(20), null, null)));

        var next = Open(previous, "s2");

        Assert.Equal(["act-1"], next.Review.Select(r => r.Action.Id));
        Assert.All(next.Review, r => Assert.Null(r.Outcome));
    }

    [Fact]
    public void Vote_SecondBySameMember_IsUnchanged()
    {
        var retro = Changed(Retro.Vote(Changed(Retro.AddItem(Open(), "i1", RetroItemKind.Idea, "x", "a1", false, T0)), "i1", "a2"));

        var again = Retro.Vote(retro, "i1", "a2");

        Assert.IsType<RetroUnchanged>(again);
        Assert.Equal(1, retro.Items[0].Votes);
    }

    [Fact]
    public void Review_CarriedOver_JoinsThisRetrosActions()
    {
        var previous = Changed(Retro.AddAction(Open(), new ActionItem("act-1", "FAQ", "a1", Day.AddDays(20), null, null)));

        var retro = Changed(Retro.ReviewAction(Open(previous, "s2"), "act-1", ReviewOutcome.CarriedOver, null));

        Assert.Equal("s1", Assert.Single(retro.Actions).CarriedFromSprint);
    }

    [Fact]
    public void Review_OtherOutcomeAfterReview_IsRejected()
    {
        var previous = Changed(Retro.AddAction(Open(), new ActionItem("act-1", "FAQ", "a1", Day.AddDays(20), null, null)));
        var retro = Changed(Retro.ReviewAction(Open(previous, "s2"), "act-1", ReviewOutcome.Done, null));

        Assert.IsType<RetroRejected>(Retro.ReviewAction(retro, "act-1", ReviewOutcome.Dropped, null));
    }

    [Fact]
    public void Close_WithUnreviewedActions_IsRejected()
    {
        var previous = Changed(Retro.AddAction(Open(), new ActionItem("act-1", "FAQ", "a1", Day.AddDays(20), null, null)));

        var decision = Retro.Close(Open(previous, "s2"), "coach", T0);

        Assert.Contains("act-1", Assert.IsType<RetroRejected>(decision).Reason);
    }

    [Fact]
    public void AddItem_Anonymous_DropsTheAuthor()
    {
        var retro = Changed(Retro.AddItem(Open(), "i1", RetroItemKind.ToImprove, "x", "a1", true, T0));

        Assert.Null(retro.Items[0].AuthorId);
    }
}
