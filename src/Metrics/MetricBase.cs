using GuidedCam.Core;

namespace GuidedCam.Metrics;

/// <summary>
/// What every metric shares: its declared options resolved once at construction (unknown keys and bad
/// values are errors), the `target` option (docs/spec/metrics.md "Which class") and the default streaming
/// accumulator. A metric file then says only its protocol.
/// </summary>
public abstract class MetricBase : IMetric
{
    public const string TargetKey = "target";
    public const string Predicted = "predicted";
    public const string GroundTruth = "ground-truth";

    protected MetricBase(IReadOnlyDictionary<string, string>? options)
    {
        var specs = new List<OptionSpec>
        {
            new(TargetKey, DefaultTarget == TargetSelection.Predicted ? Predicted : GroundTruth,
                "which class is explained: the top-1 prediction on the clean image, or each ground-truth class present",
                new[] { Predicted, GroundTruth }),
        };
        specs.AddRange(ProtocolOptions);
        DeclaredOptions = specs;
        Options = OptionResolver.Resolve(Id, specs, options);
        Target = Options[TargetKey] == Predicted ? TargetSelection.Predicted : TargetSelection.GroundTruth;
    }

    public abstract string Id { get; }
    public abstract string DisplayName { get; }
    public abstract string ShortName { get; }
    public abstract int Order { get; }
    public abstract string Citation { get; }
    public abstract ScoreDirection Direction { get; }
    public abstract string Unit { get; }
    public TargetSelection Target { get; }
    public IReadOnlyList<OptionSpec> DeclaredOptions { get; }
    public IReadOnlyDictionary<string, string> Options { get; }

    /// <summary>None unless the metric reads annotations or needs a particular kind of dataset.</summary>
    public virtual MetricRequirements Requirements => MetricRequirements.None;

    /// <summary>No network work unless the metric says otherwise (region metrics and sparsity read only the map).</summary>
    public virtual MetricCost Cost(int inputHeight, int inputWidth) => MetricCost.None;

    /// <summary>The docs/spec/metrics.md default of the `target` option for this metric.</summary>
    protected abstract TargetSelection DefaultTarget { get; }

    /// <summary>The metric's own options besides `target`. Read during construction: return a static list.</summary>
    protected abstract IReadOnlyList<OptionSpec> ProtocolOptions { get; }

    /// <summary>
    /// The template every metric follows: the batch's shapes are checked once here (N×3×H×W inputs,
    /// N×H×W maps at the input size, N×C logits, N = units), then the metric computes its values.
    /// </summary>
    public IReadOnlyList<MetricValue> Evaluate(MetricBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        RequireConsistent(batch);
        return Compute(batch);
    }

    /// <summary>The metric's values for a batch whose shapes are already checked, one per unit in unit order.</summary>
    protected abstract IReadOnlyList<MetricValue> Compute(MetricBatch batch);

    public virtual IMetricAccumulator CreateAccumulator() => new StreamingAccumulator();

    /// <summary>Checks the batch's shapes agree with its units (N×3×H×W inputs, N×H×W maps, N×C logits).</summary>
    private void RequireConsistent(MetricBatch batch)
    {
        long n = batch.Units.Count;
        if (batch.Inputs.dim() != 4 || batch.Inputs.shape[0] != n || batch.Inputs.shape[1] != 3)
            throw new ArgumentException($"metric '{Id}': inputs must be {n}×3×H×W, got [{string.Join("×", batch.Inputs.shape)}]");
        if (batch.Maps.dim() != 3 || batch.Maps.shape[0] != n || batch.Maps.shape[1] != batch.Inputs.shape[2] || batch.Maps.shape[2] != batch.Inputs.shape[3])
            throw new ArgumentException($"metric '{Id}': maps must be {n}×{batch.Inputs.shape[2]}×{batch.Inputs.shape[3]} (the input size), got [{string.Join("×", batch.Maps.shape)}]");
        if (batch.CleanLogits.dim() != 2 || batch.CleanLogits.shape[0] != n)
            throw new ArgumentException($"metric '{Id}': clean logits must be {n}×C, got [{string.Join("×", batch.CleanLogits.shape)}]");
    }

    /// <summary>The unit's ground-truth dataset class; region metrics cannot run without one.</summary>
    protected int RequireDatasetClass(EvaluationUnit unit) =>
        unit.DatasetClass ?? throw new ArgumentException(
            $"metric '{Id}' needs the ground-truth dataset class of each unit, but item '{unit.Item.Id}' (model target {unit.ModelTarget}) has none; " +
            "region metrics are evaluated with `target: ground-truth` units");

    protected static MetricValue ValueOf(EvaluationUnit unit, double value, bool flagged = false, double[]? curve = null) =>
        new(unit.Item.Id, unit.ModelTarget, unit.DatasetClass, value) { Flagged = flagged, Curve = curve };
}
