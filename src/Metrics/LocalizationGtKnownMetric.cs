using GuidedCam.Core;

namespace GuidedCam.Metrics;

/// <summary>
/// Ground-truth-known localization accuracy (Grad-CAM, Selvaraju et al. 2017, Sec. 4.1, ILSVRC
/// protocol): a unit is a hit (100) when the box of the largest 8-connected component of
/// S &gt; threshold · max(S) has IoU ≥ 0.5 with some ground-truth box of the class. Mean over units
/// (%, higher is better; error = 100 − accuracy).
/// </summary>
public sealed class LocalizationGtKnownMetric : MetricBase
{
    private readonly double _threshold;

    public LocalizationGtKnownMetric(IReadOnlyDictionary<string, string>? options = null) : base(options) =>
        _threshold = LocalizationProtocol.ParseThreshold(Id, Options);

    public override string Id => "loc-gt-known";
    public override string DisplayName => "Localization accuracy (GT-known)";
    public override string ShortName => "Loc-GT %";
    public override int Order => 70;
    public override string Citation => "Selvaraju et al. 2017, Grad-CAM (ICCV), Sec. 4.1; ILSVRC localization protocol";
    public override ScoreDirection Direction => ScoreDirection.HigherIsBetter;
    public override string Unit => "%";
    protected override TargetSelection DefaultTarget => TargetSelection.GroundTruth;
    protected override IReadOnlyList<OptionSpec> ProtocolOptions => LocalizationProtocol.Options;
    public override MetricRequirements Requirements => MetricRequirements.GroundTruthBoxes;

    protected override IReadOnlyList<MetricValue> Compute(MetricBatch batch)
    {
        return LocalizationProtocol.Evaluate(batch, _threshold, requireTop1: false, RequireDatasetClass, Id);
    }
}
