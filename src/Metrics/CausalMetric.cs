using GuidedCam.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Metrics;

/// <summary>
/// What Deletion and Insertion share (Petsiuk et al. 2018, RISE, Sec. 4.1; eclique/RISE evaluation.py
/// CausalMetric): the `step` and `batch-size` options, the cost (one forward per curve point), the
/// AUC of p_c as the value with the curve kept per unit and drawn on RISE's axis. A metric declares
/// itself as every metric does and says which image the game starts from and which it ends at
/// (<see cref="Endpoints"/>).
/// </summary>
public abstract class CausalMetric : MetricBase, ICurveAxis
{
    public const string StepKey = "step";
    public const string BatchSizeKey = "batch-size";
    /// <summary>The default of `step`: as many pixels per step as the input is wide (224 for 224×224, RISE's setting).</summary>
    public const string InputWidth = "input-width";

    /// <summary>The options of every causal metric; a metric with more appends its own to these.</summary>
    protected static IReadOnlyList<OptionSpec> CausalOptions { get; } =
    [
        new(StepKey, InputWidth, "pixels changed per step: a whole number ≥ 1, or input-width (224 for a 224×224 input)"),
        new(BatchSizeKey, "64", "network inputs per forward pass, across steps and items (does not change the values)"),
    ];

    private readonly int? _step;
    private readonly int _batchSize;

    protected CausalMetric(IReadOnlyDictionary<string, string>? options) : base(options)
    {
        // `step` is checked here, at construction, so a bad config fails before any image is read.
        string v = Options[StepKey];
        if (v != InputWidth)
            _step = OptionResolver.TryParseWholeNumber(v, 1, out int step) ? step
                : throw OptionResolver.Error(StepKey, $"'{Id}.{StepKey}' must be a whole number ≥ 1 or '{InputWidth}', not '{v}'");
        _batchSize = Options.GetInt(Id, BatchSizeKey, min: 1);
    }

    protected override IReadOnlyList<OptionSpec> ProtocolOptions => CausalOptions;

    /// <summary>
    /// One forward per curve point: n = ⌈H·W / step⌉ steps give n + 1 points (the start image included),
    /// with step = the input width when `step` is input-width.
    /// </summary>
    public override MetricCost Cost(int inputHeight, int inputWidth) =>
        new(new PassCost(CausalCurve.StepCount(inputHeight * inputWidth, Math.Max(1, _step ?? inputWidth)) + 1, 0));

    /// <summary>What happens to the most salient pixels first ("deleted", "inserted"), for the curve's x label.</summary>
    protected abstract string PixelsAre { get; }
    public string CurveXLabel => CausalCurve.PixelAxisLabel(PixelsAre);
    public string CurveYLabel => CausalCurve.ProbabilityAxisLabel;
    public abstract CurveLegendCorner LegendCorner { get; }

    protected sealed override IReadOnlyList<MetricValue> Compute(MetricBatch batch)
    {
        using var scope = torch.NewDisposeScope();
        var (start, finish) = Endpoints(batch.Inputs.detach());
        return CausalGame.Play(batch, start, finish, _step, _batchSize);
    }

    /// <summary>The image the game starts from and the one pixels move to, for the inputs <paramref name="x"/> (N×3×H×W, normalised).</summary>
    protected abstract (Tensor Start, Tensor Finish) Endpoints(Tensor x);
}
