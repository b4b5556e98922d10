using GuidedCam.Core;

namespace GuidedCam.Metrics;

/// <summary>
/// Increase in Confidence (Chattopadhyay et al. 2018, Grad-CAM++, Sec. 5.1): per unit 100 · 1[O &gt; Y]
/// with Y = p_c(x), O = p_c(x ⊙ S); the mean is the percentage of units whose confidence rose (%,
/// higher is better). Shares its two forward passes with Average Drop (<see cref="MaskedConfidence"/>).
/// </summary>
public sealed class IncreaseInConfidenceMetric(IReadOnlyDictionary<string, string>? options = null) : MetricBase(options)
{
    public override string Id => "increase-in-confidence";
    public override string DisplayName => "Increase in Confidence";
    public override string ShortName => "IC %";
    public override int Order => 20;
    public override string Citation => "Chattopadhyay et al. 2018, Grad-CAM++ (WACV), Sec. 5.1";
    public override ScoreDirection Direction => ScoreDirection.HigherIsBetter;
    public override string Unit => "%";
    protected override TargetSelection DefaultTarget => TargetSelection.Predicted;
    protected override IReadOnlyList<OptionSpec> ProtocolOptions => AverageDropMetric.MaskingOptions;
    public override MetricCost Cost(int inputHeight, int inputWidth) => MaskedConfidence.CostOf(Options[AverageDropMetric.MaskingKey]);

    protected override IReadOnlyList<MetricValue> Compute(MetricBatch batch)
    {
        var (clean, masked) = MaskedConfidence.Get(batch, Options[AverageDropMetric.MaskingKey]);
        bool[] constant = ConstantMaps.Of(batch.Maps);
        var values = new MetricValue[batch.Units.Count];
        for (int i = 0; i < values.Length; i++)
            values[i] = ValueOf(batch.Units[i], masked[i] > clean[i] ? 100.0 : 0.0, constant[i]);
        return values;
    }
}
