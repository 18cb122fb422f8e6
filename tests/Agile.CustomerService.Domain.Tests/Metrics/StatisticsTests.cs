using Agile.CustomerService.Domain.Metrics;

namespace Agile.CustomerService.Domain.Tests.Metrics;

/// <summary>The intervals against published values.</summary>
public class StatisticsTests
{
    [Fact]
    public void Wilson_EightOfTen_MatchesTheTextbook()
    {
        var interval = Statistics.Wilson(8, 10);

        Assert.Equal(0.4902, interval.Low, 3);
        Assert.Equal(0.9433, interval.High, 3);
    }

    [Fact]
    public void Newcombe_56Of70Versus48Of80_MatchesNewcombe1998()
    {
        // Newcombe (1998), Statistics in Medicine 17, table II, example (a), method 10: 0.0524 to 0.3339.
        var interval = Statistics.DifferenceOfProportions(56, 70, 48, 80);

        Assert.Equal(0.0524, interval.Low, 3);
        Assert.Equal(0.3339, interval.High, 3);
    }

    [Theory]
    [InlineData(5, 2.571)]
    [InlineData(10, 2.228)]
    [InlineData(30, 2.042)]
    [InlineData(1000, 1.962)]
    public void StudentT975_MatchesTables(double df, double expected)
    {
        Assert.Equal(expected, Statistics.StudentT975(df), 2);
    }

    [Fact]
    public void Welch_TwoSamples_MatchesDirectComputation()
    {
        double[] a = [10, 12, 14, 16, 18];
        double[] b = [8, 9, 10, 11, 12, 13];

        var interval = Statistics.DifferenceOfMeans(a.Length, a.Sum(), a.Sum(x => x * x), b.Length, b.Sum(), b.Sum(x => x * x))!;

        // mean diff 3.5; var a 10, var b 3.5; se = sqrt(2 + 0.5833) = 1.6073; df = 6.42; t(6.42) = 2.40.
        Assert.Equal(3.5, (interval.Low + interval.High) / 2, 6);
        Assert.Equal(3.5 - 2.40 * 1.6073, interval.Low, 1);
    }

    [Fact]
    public void Welch_FewerThanTwoPerGroup_HasNoInterval()
    {
        Assert.Null(Statistics.DifferenceOfMeans(1, 5, 25, 10, 50, 300));
    }
}
