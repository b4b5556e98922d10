using GuidedCam.Core;

namespace GuidedCam.Metrics;

/// <summary>
/// Energy-based pointing game (Wang et al. 2020, Score-CAM, Sec. 5.2): the share of the map's mass
/// inside the class's boxes, 100 · Σ_{p ∈ region} S(p) / Σ_p S(p), with S at the original image size
/// (<see cref="OriginalFrame"/>) and region = union of the class's boxes (difficult ones included).
/// An all-zero map gives 0, counted and flagged. Mean over units (%, higher is better).
/// </summary>
public sealed class EnergyPointingGameMetric(IReadOnlyDictionary<string, string>? options = null) : MetricBase(options)
{
    public override string Id => "energy-pointing-game";
    public override string DisplayName => "Energy-based pointing game";
    public override string ShortName => "EPG %";
    public override int Order => 60;
    public override string Citation => "Wang et al. 2020, Score-CAM (CVPR Workshops), Sec. 5.2";
    public override ScoreDirection Direction => ScoreDirection.HigherIsBetter;
    public override string Unit => "%";
    protected override TargetSelection DefaultTarget => TargetSelection.GroundTruth;
    protected override IReadOnlyList<OptionSpec> ProtocolOptions => Array.Empty<OptionSpec>();
    public override MetricRequirements Requirements => MetricRequirements.GroundTruthBoxes;

    protected override IReadOnlyList<MetricValue> Compute(MetricBatch batch)
    {
        var values = new MetricValue[batch.Units.Count];
        for (int i = 0; i < values.Length; i++)
        {
            var unit = batch.Units[i];
            int cls = RequireDatasetClass(unit);
            int width = unit.Item.OriginalWidth, height = unit.Item.OriginalHeight;
            bool[] region = OriginalFrame.BoxUnion(OriginalFrame.ObjectsOf(unit.Item, cls, Id), width, height);
            using var map = batch.Maps[i];
            float[] original = OriginalFrame.ToOriginal(map, unit.Item.Geometry);
            double inside = 0, total = 0;
            for (int p = 0; p < original.Length; p++)
            {
                double s = Math.Max(0, original[p]); // maps are non-negative; guard the sum against rounding
                total += s;
                if (region[p]) inside += s;
            }
            values[i] = total > 0 ? ValueOf(unit, 100.0 * inside / total) : ValueOf(unit, 0.0, flagged: true);
        }
        return values;
    }
}
