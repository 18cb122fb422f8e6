using Agile.CustomerService.Domain.Quality;

namespace Agile.CustomerService.Domain.Tests.Quality;

public class ExemptionsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    private static ExemptionRequest Pending() =>
        new("north-1~0123456789abcdef0123456789abcdef", "cust-00001~x", "north-1", "north-1-a01", "customer was bereaved; took the time needed", T0, ExemptionStatus.Pending, null, null, null);

    [Fact]
    public void Decide_PendingApproved_IsApprovedByTheCoach()
    {
        var decision = Exemptions.Decide(Pending(), approve: true, "coach-1", "right call", T0.AddHours(1));

        var decided = Assert.IsType<ExemptionDecided>(decision).Request;
        Assert.Equal(ExemptionStatus.Approved, decided.Status);
        Assert.Equal("coach-1", decided.DecidedBy);
        Assert.Equal(T0.AddHours(1), decided.DecidedAt);
    }

    [Fact]
    public void Decide_PendingDeclined_IsDeclined()
    {
        var decision = Exemptions.Decide(Pending(), approve: false, "coach-1", null, T0);

        Assert.Equal(ExemptionStatus.Declined, Assert.IsType<ExemptionDecided>(decision).Request.Status);
    }

    [Fact]
    public void Decide_AlreadyDecided_IsRejected()
    {
        var approved = ((ExemptionDecided)Exemptions.Decide(Pending(), true, "coach-1", null, T0)).Request;

        var again = Exemptions.Decide(approved, approve: false, "coach-2", null, T0);

        Assert.Contains("already approved by coach-1", Assert.IsType<ExemptionRejected>(again).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_ByTheRequestingAgent_IsRejected()
    {
        var decision = Exemptions.Decide(Pending(), approve: true, "north-1-a01", null, T0);

        Assert.IsType<ExemptionRejected>(decision);
    }
}
