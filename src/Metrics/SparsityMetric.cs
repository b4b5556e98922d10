using GuidedCam.Core;
using static TorchSharp.torch;

namespace GuidedCam.Metrics;

/// <summary>
/// Sparsity (Gómez, Fréour &amp; Mouchère 2022, "Metrics for saliency map evaluation of deep learning
/// explanation methods", ICPRAI): S_max / S_mean of the map at network-input size; a map that
/// concentrates its mass on few pixels scores high. An all-zero map has no mean: it gets 0, counted and
/// flagged. No forward pass. This is the worked example of docs/adding-a-metric.md.
/// </summary>
public sealed class SparsityMetric(IReadOnlyDictionary<string, string>? options = null) : MetricBase(options)
{
    public override string Id => "sparsity";
    public override string DisplayName => "Sparsity (max / mean)";
    public override string ShortName => "Sparsity";
    public override int Order => 90;
    public override string Citation => "Gómez, Fréour & Mouchère 2022, Metrics for Saliency Map Evaluation of Deep Learning Explanation Methods (ICPRAI)";
    public override ScoreDirection Direction => ScoreDirection.HigherIsBetter;
    public override string Unit => "ratio";
    protected override TargetSelection DefaultTarget => TargetSelection.Predicted;
    protected override IReadOnlyList<OptionSpec> ProtocolOptions => Array.Empty<OptionSpec>();

    protected override IReadOnlyList<MetricValue> Compute(MetricBatch batch)
    {
        using var flat = batch.Maps.detach().reshape(batch.Maps.shape[0], -1).to(CPU).to_type(ScalarType.Float64);
        var values = new MetricValue[batch.Units.Count];
        for (int i = 0; i < values.Length; i++)
        {
            using var row = flat[i];
            double[] s = row.data<double>().ToArray();
            double mean = s.Average(), max = s.Max();
            values[i] = mean > 0 ? ValueOf(batch.Units[i], max / mean) : ValueOf(batch.Units[i], 0.0, flagged: true);
        }
        return values;
    }
}
