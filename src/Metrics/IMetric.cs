using GuidedCam.Core;
using static TorchSharp.torch;

namespace GuidedCam.Metrics;

public enum ScoreDirection { HigherIsBetter, LowerIsBetter }

/// <summary>Which class a metric explains (docs/spec/metrics.md "Which class").</summary>
public enum TargetSelection
{
    /// <summary>c = top-1 prediction on the clean image; one unit per image.</summary>
    Predicted,
    /// <summary>One unit per (image, ground-truth class present); the class mapped into the model's label space.</summary>
    GroundTruth,
}

/// <summary>
/// One evaluation unit = (image, target class). <see cref="ModelTarget"/> is in the model's label
/// space; <see cref="DatasetClass"/> is the ground-truth dataset class it stands for (null for
/// predicted-target units). <see cref="Top1"/> is the model's prediction on the clean image.
/// </summary>
public sealed record EvaluationUnit(DatasetItem Item, long ModelTarget, int? DatasetClass, long Top1);

/// <summary>Per-channel normalisation of the network input (to undo it for `masking: pixel`).</summary>
public sealed record Normalization(float[] Mean, float[] Std)
{
    public static Normalization ImageNet { get; } = new(new[] { 0.485f, 0.456f, 0.406f }, new[] { 0.229f, 0.224f, 0.225f });
}

/// <summary>
/// What a metric sees of one batch of units, all with the same target selection: the normalised
/// inputs N×3×H×W (row n is unit n's image), the final saliency maps N×H×W in [0,1], the targets in
/// model space, and the clean logits N×C (already computed once, shared by every metric).
/// </summary>
public sealed class MetricBatch
{
    public required IClassifier Model { get; init; }
    public required Tensor Inputs { get; init; }
    public required Tensor Maps { get; init; }
    public required IReadOnlyList<EvaluationUnit> Units { get; init; }
    public required Tensor CleanLogits { get; init; }
    public required Normalization Normalization { get; init; }
    /// <summary>Dataset class names (for per-class reports); index = dataset class.</summary>
    public IReadOnlyList<string>? DatasetClassNames { get; init; }
    public long[] Targets => Units.Select(u => u.ModelTarget).ToArray();
}

/// <summary>
/// One metric value for one unit. <see cref="Flagged"/> marks a degenerate case that was counted, not
/// dropped (e.g. an all-zero map in the energy game). <see cref="Curve"/> holds the deletion/insertion
/// curve (n + 1 points).
/// </summary>
public sealed record MetricValue(string ItemId, long Target, int? DatasetClass, double Value)
{
    public bool Flagged { get; init; }
    public double[]? Curve { get; init; }
}

/// <summary>Summary of one (model, dataset, method, metric) cell. Mean is the metric's headline number.</summary>
public sealed record MetricSummary(double Mean, double Std, int Count, int Flagged)
{
    /// <summary>Further numbers the metric reports (e.g. pointing game's plain item mean besides the per-class mean).</summary>
    public IReadOnlyDictionary<string, double> Extra { get; init; } = new Dictionary<string, double>();
}

/// <summary>Streaming accumulator: update per batch, summary at the end.</summary>
public interface IMetricAccumulator
{
    void Update(IEnumerable<MetricValue> values);
    MetricSummary Summary();
    void Reset();
}

/// <summary>
/// A metric declares what it is (Quantus style): id, name, citation, score direction, which class it
/// explains, and every protocol option with its resolved value — recorded next to each result, so two
/// protocols are never mixed and tables and plots need no special cases. It also declares how tables
/// show it (short column name, position), what it needs of the dataset and what it costs, so the
/// validator, the plan and every table read them instead of knowing metric ids.
/// </summary>
public interface IMetric
{
    string Id { get; }
    string DisplayName { get; }
    /// <summary>Column heading in the console table, with its unit, e.g. "AD %" or "Del".</summary>
    string ShortName { get; }
    /// <summary>Position of the metric's column in every table (ascending; the paper's order for its seven metrics).</summary>
    int Order { get; }
    string Citation { get; }
    ScoreDirection Direction { get; }
    TargetSelection Target { get; }
    /// <summary>Unit of the value, e.g. "%" or "AUC".</summary>
    string Unit { get; }
    MetricRequirements Requirements { get; }
    /// <summary>Network work per unit for an input of the given size (deletion and insertion depend on it and on `step`).</summary>
    MetricCost Cost(int inputHeight, int inputWidth);
    IReadOnlyList<OptionSpec> DeclaredOptions { get; }
    IReadOnlyDictionary<string, string> Options { get; }
    IReadOnlyList<MetricValue> Evaluate(MetricBatch batch);
    IMetricAccumulator CreateAccumulator();
}
