using GuidedCam.Core;

namespace GuidedCam.Metrics;

/// <summary>
/// The ILSVRC localization test shared by loc-gt-known and loc-top1: the map at original size, its
/// <see cref="LargestComponentBox"/>, a hit when IoU(box, some ground-truth box of the class) ≥ 0.5
/// (<see cref="GuidedCam.Core.Box.IoU"/>, pixel sets as in the ILSVRC evaluation).
/// </summary>
public static class LocalizationProtocol
{
    public const string ThresholdKey = "threshold";
    public const double IoUThreshold = 0.5;

    public static IReadOnlyList<OptionSpec> Options { get; } = new[]
    {
        new OptionSpec(ThresholdKey, "0.15", "binarise the map at threshold × max(S), 0 ≤ threshold < 1 (Grad-CAM: 15%)"),
    };

    public static double ParseThreshold(string owner, IReadOnlyDictionary<string, string> options)
    {
        double t = options.GetDouble(owner, ThresholdKey);
        if (t < 0 || t >= 1) throw OptionResolver.Error(ThresholdKey, $"'{owner}.{ThresholdKey}' must be in [0, 1), not '{options[ThresholdKey]}'");
        return t;
    }

    /// <summary>(hit, flagged) per unit; <paramref name="requireTop1"/> adds loc-top1's condition Top1 = c.</summary>
    public static IReadOnlyList<MetricValue> Evaluate(MetricBatch batch, double threshold, bool requireTop1, Func<EvaluationUnit, int> datasetClass, string metricId)
    {
        var values = new MetricValue[batch.Units.Count];
        for (int i = 0; i < values.Length; i++)
        {
            var unit = batch.Units[i];
            int cls = datasetClass(unit);
            var boxes = OriginalFrame.ObjectsOf(unit.Item, cls, metricId).Select(o => o.Box).ToList();
            int width = unit.Item.OriginalWidth, height = unit.Item.OriginalHeight;
            using var map = batch.Maps[i];
            float[] original = OriginalFrame.ToOriginal(map, unit.Item.Geometry);
            var box = LargestComponentBox.Find(original, width, height, threshold);
            bool located = box is { } b && boxes.Any(g => GuidedCam.Core.Box.IoU(b, g, width, height) >= IoUThreshold);
            bool hit = located && (!requireTop1 || unit.Top1 == unit.ModelTarget);
            values[i] = new MetricValue(unit.Item.Id, unit.ModelTarget, unit.DatasetClass, hit ? 100.0 : 0.0) { Flagged = box is null };
        }
        return values;
    }
}
