using static TorchSharp.torch;

namespace GuidedCam.Metrics;

/// <summary>
/// Insertion AUC (Petsiuk et al. 2018, RISE, Sec. 4.1; eclique/RISE evaluation.py, mode 'ins'): start
/// from the blurred image (gkern(11, 5) per channel on the normalised tensor, zero padding 5) and copy
/// the most salient pixels of x in first; the area under p_c is the value (higher is better). The
/// curve is kept per unit.
/// </summary>
public sealed class InsertionMetric(IReadOnlyDictionary<string, string>? options = null) : CausalMetric(options)
{
    public override string Id => "insertion";
    public override string DisplayName => "Insertion AUC";
    public override string ShortName => "Ins";
    public override int Order => 40;
    public override string Citation => "Petsiuk et al. 2018, RISE (BMVC), Sec. 4.1; eclique/RISE evaluation.py";
    public override ScoreDirection Direction => ScoreDirection.HigherIsBetter;
    public override string Unit => "AUC";
    protected override TargetSelection DefaultTarget => TargetSelection.Predicted;
    protected override string PixelsAre => "inserted";
    /// <summary>Insertion curves rise to the top right: the lower right stays free.</summary>
    public override CurveLegendCorner LegendCorner => CurveLegendCorner.LowerRight;

    protected override (Tensor Start, Tensor Finish) Endpoints(Tensor x) => (CausalCurve.Blur(x), x);
}
