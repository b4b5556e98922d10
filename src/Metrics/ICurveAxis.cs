namespace GuidedCam.Metrics;

/// <summary>
/// Implemented by a metric whose per-unit curves are drawn as a mean-curve figure (one line per method):
/// where each stored point lies on the x axis, what the axes mean, where the legend does not hide the
/// curves, and any point every curve starts from without storing it. The report draws every metric that
/// stores curves through this declaration and knows no metric id; a metric that stores curves without
/// implementing it is drawn on equal steps over [0, 1] (a deletion/insertion-style curve).
/// </summary>
public interface ICurveAxis
{
    /// <summary>x of point <paramref name="point"/> of a curve stored with <paramref name="points"/> points.
    /// The default is RISE's: point t of n + 1 at t/n, the fraction of pixels changed.</summary>
    double CurvePosition(int point, int points) => points > 1 ? (double)point / (points - 1) : 0;

    string CurveXLabel { get; }
    string CurveYLabel { get; }

    /// <summary>The corner the metric's curves usually leave free, where the legend goes.</summary>
    CurveLegendCorner LegendCorner => CurveLegendCorner.UpperRight;

    /// <summary>A point every curve starts from but does not store (model randomisation: the trained model
    /// at depth 0 has similarity 1), drawn before the stored points; null when there is none.</summary>
    (double X, double Y)? CurveOrigin => null;

    /// <summary>First word of the figure's file name (figures/&lt;name&gt;_&lt;model&gt;_&lt;dataset&gt;_&lt;metric&gt;.png).</summary>
    string CurveFigureName => "curve";
}
