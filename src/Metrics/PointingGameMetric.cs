using GuidedCam.Core;

namespace GuidedCam.Metrics;

/// <summary>
/// Pointing game (Zhang et al. 2016, Excitation Backprop; protocol of facebookresearch/TorchRay
/// benchmark/pointing_game.py). The map is brought to the original image (<see cref="OriginalFrame"/>),
/// its arg-max (first in row-major order) is the point, and the unit is a hit (100) when some pixel of
/// the class's region lies at Euclidean distance &lt; `tolerance` original pixels from it, else a miss
/// (0). Region = union of the class's objects, each its instance mask when present (COCO) else its
/// box. A class whose objects are all `difficult` (VOC) is skipped: the unit gets no value at all.
/// Otherwise difficult boxes count as region. Headline = mean over classes of hits/(hits + misses)
/// (<see cref="PointingGameAccumulator"/>); the plain item mean is in Extra["item-mean"].
/// </summary>
public sealed class PointingGameMetric : MetricBase
{
    public const string ToleranceKey = "tolerance";

    private static readonly IReadOnlyList<OptionSpec> Specs = new[]
    {
        new OptionSpec(ToleranceKey, "15", "a hit needs a region pixel at distance < tolerance from the point, in original-image pixels"),
    };

    private readonly double _tolerance;

    public PointingGameMetric(IReadOnlyDictionary<string, string>? options = null) : base(options)
    {
        _tolerance = Options.GetDouble(Id, ToleranceKey);
        if (_tolerance < 0) throw OptionResolver.Error(ToleranceKey, $"'{Id}.{ToleranceKey}' must be ≥ 0, not '{Options[ToleranceKey]}'");
    }

    public override string Id => "pointing-game";
    public override string DisplayName => "Pointing game";
    public override string ShortName => "PG %";
    public override int Order => 50;
    public override string Citation => "Zhang et al. 2016, Top-down Neural Attention by Excitation Backprop (ECCV); TorchRay benchmark/pointing_game.py";
    public override ScoreDirection Direction => ScoreDirection.HigherIsBetter;
    public override string Unit => "%";
    protected override TargetSelection DefaultTarget => TargetSelection.GroundTruth;
    protected override IReadOnlyList<OptionSpec> ProtocolOptions => Specs;
    public override MetricRequirements Requirements => MetricRequirements.GroundTruthBoxes;

    public override IMetricAccumulator CreateAccumulator() => new PointingGameAccumulator();

    protected override IReadOnlyList<MetricValue> Compute(MetricBatch batch)
    {
        var values = new List<MetricValue>(batch.Units.Count);
        for (int i = 0; i < batch.Units.Count; i++)
        {
            var unit = batch.Units[i];
            int cls = RequireDatasetClass(unit);
            var objects = OriginalFrame.ObjectsOf(unit.Item, cls, Id);
            if (objects.All(o => o.Difficult)) continue; // VOC: only-difficult classes are not counted

            int width = unit.Item.OriginalWidth, height = unit.Item.OriginalHeight;
            using var map = batch.Maps[i];
            float[] original = OriginalFrame.ToOriginal(map, unit.Item.Geometry);
            var region = new bool[width * height];
            foreach (var o in objects) OriginalFrame.AddObject(region, o, width, height);
            int point = OriginalFrame.ArgMax(original);
            bool hit = Hit(region, width, height, point % width, point / width, _tolerance);
            values.Add(ValueOf(unit, hit ? 100.0 : 0.0, OriginalFrame.IsConstant(original)));
        }
        return values;
    }

    /// <summary>TorchRay's test: some region pixel (column u, row v) with (u − x)² + (v − y)² &lt; tolerance².</summary>
    public static bool Hit(bool[] region, int width, int height, int x, int y, double tolerance)
    {
        int reach = (int)Math.Ceiling(tolerance);
        double limit = tolerance * tolerance;
        for (int v = Math.Max(0, y - reach); v <= Math.Min(height - 1, y + reach); v++)
            for (int u = Math.Max(0, x - reach); u <= Math.Min(width - 1, x + reach); u++)
            {
                double du = u - x, dv = v - y;
                if (region[v * width + u] && du * du + dv * dv < limit) return true;
            }
        return false;
    }
}
