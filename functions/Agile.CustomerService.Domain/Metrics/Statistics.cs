namespace Agile.CustomerService.Domain.Metrics;

/// <summary>A two-sided 95% interval.</summary>
public sealed record Interval(double Low, double High)
{
    public bool Contains(double x) => x >= Low && x <= High;
}

/// <summary>
/// The 95% intervals of pilot comparisons (docs/metrics.md, "Pilots"): Wilson score intervals for
/// one proportion, Newcombe's hybrid score interval (method 10) for a difference of proportions,
/// and Welch's t interval for a difference of means (NPS, eNPS and handle time are means).
/// </summary>
public static class Statistics
{
    public const double Z95 = 1.959963984540054;

    /// <summary>Wilson score interval for x successes in n trials.</summary>
    public static Interval Wilson(double x, double n, double z = Z95)
    {
        if (n <= 0)
        {
            return new Interval(0, 1);
        }

        var p = Math.Clamp(x / n, 0, 1);
        var z2 = z * z;
        var denominator = 1 + z2 / n;
        var centre = (p + z2 / (2 * n)) / denominator;
        var half = z * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator;
        return new Interval(Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>Newcombe's interval for p1 - p2 from the two Wilson intervals.</summary>
    public static Interval DifferenceOfProportions(double x1, double n1, double x2, double n2)
    {
        var p1 = Math.Clamp(x1 / n1, 0, 1);
        var p2 = Math.Clamp(x2 / n2, 0, 1);
        var w1 = Wilson(x1, n1);
        var w2 = Wilson(x2, n2);
        var d = p1 - p2;
        return new Interval(
            d - Math.Sqrt(Square(p1 - w1.Low) + Square(w2.High - p2)),
            d + Math.Sqrt(Square(w1.High - p1) + Square(p2 - w2.Low)));
    }

    /// <summary>Welch's interval for mean1 - mean2 from counts, sums and sums of squares.</summary>
    public static Interval? DifferenceOfMeans(double n1, double sum1, double squares1, double n2, double sum2, double squares2)
    {
        if (n1 < 2 || n2 < 2)
        {
            return null;
        }

        var m1 = sum1 / n1;
        var m2 = sum2 / n2;
        var v1 = Math.Max(0, (squares1 - n1 * m1 * m1) / (n1 - 1)) / n1;
        var v2 = Math.Max(0, (squares2 - n2 * m2 * m2) / (n2 - 1)) / n2;
        var se = Math.Sqrt(v1 + v2);
        if (se == 0)
        {
            return new Interval(m1 - m2, m1 - m2);
        }

        var df = Square(v1 + v2) / (Square(v1) / (n1 - 1) + Square(v2) / (n2 - 1));
        var t = StudentT975(df);
        return new Interval(m1 - m2 - t * se, m1 - m2 + t * se);
    }

    /// <summary>
    /// The 97.5% quantile of Student's t with <paramref name="df"/> degrees of freedom
    /// (Cornish-Fisher expansion around the normal quantile; within 0.002 of tables for df &gt;= 3).
    /// </summary>
    public static double StudentT975(double df)
    {
        if (double.IsInfinity(df) || df > 1e7)
        {
            return Z95;
        }

        var z = Z95;
        var z3 = z * z * z;
        var z5 = z3 * z * z;
        var z7 = z5 * z * z;
        var z9 = z7 * z * z;
        return z
            + (z3 + z) / (4 * df)
            + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df)
            + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df * df * df)
            + (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160 * df * df * df * df);
    }

    private static double Square(double x) => x * x;
}
