using GuidedCam.Core;
using TorchSharp;

namespace GuidedCam.Metrics;

/// <summary>
/// Insertion AUC (Petsiuk et al. 2018, RISE, Sec. 4.1; eclique/RISE evaluation.py, mode 'ins'): start
/// from the blurred image (gkern(11, 5) per channel on the normalised tensor, zero padding 5) and copy
/// the most salient pixels of x in first; the area under p_c is the value (higher is better). The
/// curve is kept per unit.
/// </summary>
public sealed class InsertionMetric : MetricBase, ICurveAxis
{
    private readonly int? _step;
    private readonly int _batchSize;

    public InsertionMetric(IReadOnlyDictionary<string, string>? options = null) : base(options)
    {
        _step = CausalOptions.ParseStep(Id, Options);
        _batchSize = Options.GetInt(Id, CausalOptions.BatchSizeKey, min: 1);
    }

    public override string Id => "insertion";
    public override string DisplayName => "Insertion AUC";
    public override string ShortName => "Ins";
    public override int Order => 40;
    public override string Citation => "Petsiuk et al. 2018, RISE (BMVC), Sec. 4.1; eclique/RISE evaluation.py";
    public override ScoreDirection Direction => ScoreDirection.HigherIsBetter;
    public override string Unit => "AUC";
    protected override TargetSelection DefaultTarget => TargetSelection.Predicted;
    protected override IReadOnlyList<OptionSpec> ProtocolOptions => CausalOptions.Shared;
    public override MetricCost Cost(int inputHeight, int inputWidth) => CausalOptions.CostOf(_step, inputHeight, inputWidth);
    public string CurveXLabel => CausalCurve.PixelAxisLabel("inserted");
    public string CurveYLabel => CausalCurve.ProbabilityAxisLabel;
    /// <summary>Insertion curves rise to the top right: the lower right stays free.</summary>
    public CurveLegendCorner LegendCorner => CurveLegendCorner.LowerRight;

    protected override IReadOnlyList<MetricValue> Compute(MetricBatch batch)
    {
        using var scope = torch.NewDisposeScope();
        var x = batch.Inputs.detach();
        return CausalGame.Play(batch, start: CausalCurve.Blur(x), finish: x, _step, _batchSize);
    }
}
