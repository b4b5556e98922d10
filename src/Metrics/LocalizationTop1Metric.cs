using GuidedCam.Core;

namespace GuidedCam.Metrics;

/// <summary>
/// Top-1 localization accuracy (Grad-CAM, Selvaraju et al. 2017, Sec. 4.1, ILSVRC protocol): a hit
/// needs both the GT-known box test (IoU ≥ 0.5) and the model's top-1 prediction on the clean image to
/// be the unit's class. Meant for single-label ImageNet; multi-label datasets report only loc-gt-known.
/// </summary>
public sealed class LocalizationTop1Metric : MetricBase
{
    private readonly double _threshold;

    public LocalizationTop1Metric(IReadOnlyDictionary<string, string>? options = null) : base(options) =>
        _threshold = LocalizationProtocol.ParseThreshold(Id, Options);

    public override string Id => "loc-top1";
    public override string DisplayName => "Localization accuracy (top-1)";
    public override string ShortName => "Loc-Top1 %";
    public override int Order => 80;
    public override string Citation => "Selvaraju et al. 2017, Grad-CAM (ICCV), Sec. 4.1; ILSVRC localization protocol";
    public override ScoreDirection Direction => ScoreDirection.HigherIsBetter;
    public override string Unit => "%";
    protected override TargetSelection DefaultTarget => TargetSelection.GroundTruth;
    protected override IReadOnlyList<OptionSpec> ProtocolOptions => LocalizationProtocol.Options;
    public override MetricRequirements Requirements => MetricRequirements.SingleLabelDataset | MetricRequirements.GroundTruthBoxes;

    protected override IReadOnlyList<MetricValue> Compute(MetricBatch batch)
    {
        return LocalizationProtocol.Evaluate(batch, _threshold, requireTop1: true, RequireDatasetClass, Id);
    }
}
