namespace GuidedCam.Metrics;

/// <summary>
/// Implemented by a curve metric whose points are not the equally spaced steps of a deletion/insertion
/// curve on [0, 1]: where each point lies and what the axes mean, for the mean-curve figure.
/// </summary>
public interface ICurveAxis
{
    /// <summary>x of each curve point, in the order the curve stores them.</summary>
    IReadOnlyList<double> CurvePositions { get; }
    string CurveXLabel { get; }
    string CurveYLabel { get; }
}
