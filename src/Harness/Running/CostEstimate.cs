using GuidedCam.Methods;
using GuidedCam.Metrics;

namespace GuidedCam.Harness.Running;

/// <summary>
/// Image forwards and backwards a plan expects to spend, counted as images passed through the network
/// (a batch of 16 is 16): one clean forward per item without stored units; per map to compute, the
/// method's passes (one forward and, for gradient methods, one backward; Score-CAM adds K masked
/// inputs; Ablation-CAM's K ablated copies run only the layers after the target layer and are not
/// counted as image forwards; the centre baseline none); per cell to compute, the metric's forwards
/// (one masked input shared by Average Drop and Increase in Confidence with the same masking, n + 1
/// per deletion/insertion curve with n = ⌈H·W / step⌉, 2 × #percentiles for ROAD — shared by `road`
/// entries that differ only in `output` or `batch-size` — none for the region metrics and sparsity).
/// An estimate for the plan; run.log reports what was spent.
/// </summary>
public static class CostEstimate
{
    public static (long Forwards, long Backwards) MapCost(ISaliencyMethod method, int channels) => method.Id switch
    {
        "center" => (0, 0),
        "scorecam" => (1 + channels, 0),
        "eigencam" or "random" or "ablationcam" => (1, 0),
        _ => (1, 1),
    };

    /// <summary>Metrics that share their forwards on one batch (<see cref="MaskedConfidence"/>) have the same key; null for the others.</summary>
    public static string? SharedForwards(IMetric metric) => metric switch
    {
        { Id: "average-drop" or "increase-in-confidence" } => "masked:" + metric.Options.GetValueOrDefault("masking", ""),
        RoadMetric road => "road:" + road.SharedCurvesKey,
        _ => null,
    };

    public static long CellForwards(IMetric metric, int inputHeight, int inputWidth)
    {
        switch (metric.Id)
        {
            case "average-drop" or "increase-in-confidence":
                return 1;
            case "deletion" or "insertion":
                long pixels = (long)inputHeight * inputWidth;
                long step = CausalOptions.ParseStep(metric.Id, metric.Options) ?? inputWidth;
                return (pixels + step - 1) / Math.Max(1, step) + 1;
            case "road":
                return ((RoadMetric)metric).ForwardsPerUnit;
            default:
                return 0;
        }
    }
}
