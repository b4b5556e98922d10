using GuidedCam.Core;

namespace GuidedCam.Metrics;

/// <summary>
/// Average Drop (Chattopadhyay et al. 2018, Grad-CAM++, Sec. 5.1): per unit 100 · max(0, Y − O) / Y
/// with Y = p_c(x), O = p_c(x ⊙ S); the mean over units is the metric (%, lower is better).
/// `masking` says whether the normalised tensor (default, as pytorch-grad-cam) or the [0,1] image is
/// multiplied; it moves AD enormously, so it is always recorded.
/// </summary>
public sealed class AverageDropMetric(IReadOnlyDictionary<string, string>? options = null) : MetricBase(options)
{
    public const string MaskingKey = "masking";

    internal static readonly IReadOnlyList<OptionSpec> MaskingOptions = new[]
    {
        new OptionSpec(MaskingKey, MaskedConfidence.Normalized,
            "multiply the normalised tensor (removed pixels become the dataset mean) or the [0,1] image (removed pixels become black)",
            new[] { MaskedConfidence.Normalized, MaskedConfidence.Pixel }),
    };

    public override string Id => "average-drop";
    public override string DisplayName => "Average Drop";
    public override string ShortName => "AD %";
    public override int Order => 10;
    public override string Citation => "Chattopadhyay et al. 2018, Grad-CAM++ (WACV), Sec. 5.1";
    public override ScoreDirection Direction => ScoreDirection.LowerIsBetter;
    public override string Unit => "%";
    protected override TargetSelection DefaultTarget => TargetSelection.Predicted;
    protected override IReadOnlyList<OptionSpec> ProtocolOptions => MaskingOptions;
    public override MetricCost Cost(int inputHeight, int inputWidth) => MaskedConfidence.CostOf(Options[MaskingKey]);

    protected override IReadOnlyList<MetricValue> Compute(MetricBatch batch)
    {
        var (clean, masked) = MaskedConfidence.Get(batch, Options[MaskingKey]);
        bool[] constant = ConstantMaps.Of(batch.Maps);
        var values = new MetricValue[batch.Units.Count];
        for (int i = 0; i < values.Length; i++)
        {
            // Y > 0 always: p_c is exp(log_softmax) in float64 of finite logits.
            double drop = 100.0 * Math.Max(0, clean[i] - masked[i]) / clean[i];
            values[i] = ValueOf(batch.Units[i], drop, constant[i]);
        }
        return values;
    }
}
