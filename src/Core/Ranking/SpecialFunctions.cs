namespace GuidedCam.Core.Ranking;

/// <summary>
/// The special functions the rank tests need, to double precision: log Γ, the regularized incomplete
/// gamma functions, erfc, the standard normal distribution and the chi-square survival function.
/// .NET has none of them. Formulas: Lanczos' approximation of Γ (g = 7, 9 coefficients, as in Numerical
/// Recipes 3rd ed. §6.1, relative error below 1e-15), the series and Lentz's continued fraction of the
/// incomplete gamma function (Numerical Recipes §6.2, DLMF 8.7.1 and 8.9.2), erfc(x) = Q(1/2, x²) (DLMF 7.11.2).
/// </summary>
public static class SpecialFunctions
{
    private static readonly double[] Lanczos =
    {
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    };

    /// <summary>ln Γ(x) for x &gt; 0.</summary>
    public static double LogGamma(double x)
    {
        if (!(x > 0)) throw new ArgumentOutOfRangeException(nameof(x), x, "log Γ is used for positive arguments only");
        if (x < 0.5) return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x); // reflection
        x -= 1;
        double a = Lanczos[0];
        double t = x + 7.5;
        for (int i = 1; i < 9; i++) a += Lanczos[i] / (x + i);
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(a);
    }

    /// <summary>Regularized lower incomplete gamma P(a, x) = γ(a, x)/Γ(a).</summary>
    public static double GammaP(double a, double x)
    {
        Check(a, x);
        if (x == 0) return 0;
        return x < a + 1 ? GammaSeries(a, x) : 1 - GammaContinuedFraction(a, x);
    }

    /// <summary>Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), accurate when it is tiny.</summary>
    public static double GammaQ(double a, double x)
    {
        Check(a, x);
        if (x == 0) return 1;
        if (double.IsPositiveInfinity(x)) return 0;
        return x < a + 1 ? 1 - GammaSeries(a, x) : GammaContinuedFraction(a, x);
    }

    /// <summary>Complementary error function, erfc(x) = Q(1/2, x²) for x ≥ 0 and 2 − erfc(−x) below.</summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        return x >= 0 ? GammaQ(0.5, x * x) : 2 - GammaQ(0.5, x * x);
    }

    /// <summary>Standard normal distribution function Φ(x).</summary>
    public static double NormalCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    /// <summary>Standard normal survival function 1 − Φ(x), accurate in the upper tail.</summary>
    public static double NormalSf(double x) => 0.5 * Erfc(x / Math.Sqrt(2));

    /// <summary>Standard normal density φ(x).</summary>
    public static double NormalPdf(double x) => Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI);

    /// <summary>P(X ≥ x) for X chi-square with <paramref name="df"/> degrees of freedom: Q(df/2, x/2).</summary>
    public static double ChiSquareSf(double x, double df)
    {
        if (!(df > 0)) throw new ArgumentOutOfRangeException(nameof(df), df, "degrees of freedom must be positive");
        if (double.IsNaN(x)) return double.NaN;
        return x <= 0 ? 1 : GammaQ(df / 2, x / 2);
    }

    private static void Check(double a, double x)
    {
        if (!(a > 0)) throw new ArgumentOutOfRangeException(nameof(a), a, "the incomplete gamma function needs a > 0");
        if (!(x >= 0)) throw new ArgumentOutOfRangeException(nameof(x), x, "the incomplete gamma function needs x ≥ 0");
    }

    /// <summary>P(a, x) by its power series, for x &lt; a + 1 (converges fast there).</summary>
    private static double GammaSeries(double a, double x)
    {
        double term = 1 / a, sum = term;
        for (int n = 1; n < 10_000; n++)
        {
            term *= x / (a + n);
            sum += term;
            if (Math.Abs(term) < Math.Abs(sum) * 1e-17) break;
        }
        return sum * Math.Exp(-x + a * Math.Log(x) - LogGamma(a));
    }

    /// <summary>Q(a, x) by its continued fraction (modified Lentz), for x ≥ a + 1.</summary>
    private static double GammaContinuedFraction(double a, double x)
    {
        const double tiny = 1e-300;
        double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
        for (int i = 1; i < 10_000; i++)
        {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.Abs(d) < tiny) d = tiny;
            c = b + an / c;
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        return Math.Exp(-x + a * Math.Log(x) - LogGamma(a)) * h;
    }
}
