using GuidedCam.Methods;
using GuidedCam.Metrics;

namespace GuidedCam.Harness.Running;

/// <summary>
/// Image forwards and backwards a plan expects to spend, counted as images passed through the network
/// (a batch of 16 is 16): one clean forward per item without stored units; per (item, target) with a
/// CAM-method map to compute, one shared capture (one forward, and one backward when a gradient method
/// is among them: <see cref="MethodGroup"/>); per map, the method's own passes beyond the capture
/// (Score-CAM K masked inputs; Ablation-CAM ⌈K / batch-size⌉ runs of the layers up to the target layer
/// at batch 1, its K ablated copies run only the layers after it and are not counted as image forwards;
/// FullGrad its own forward and backward; the centre baseline none); per cell to compute, the metric's
/// forwards (one masked input shared by Average Drop and Increase in Confidence with the same masking, n + 1
/// per deletion/insertion curve with n = ⌈H·W / step⌉, 2 × #percentiles for ROAD — shared by `road`
/// entries that differ only in `output` or `batch-size` — none for the region metrics and sparsity).
/// An estimate for the plan; run.log reports what was spent.
/// </summary>
public static class CostEstimate
{
    /// <summary>A method's own passes for one map, beyond the shared capture (<see cref="CaptureOf"/>).</summary>
    public static (long Forwards, long Backwards) MapCost(ISaliencyMethod method, int channels) => method switch
    {
        ScoreCam => (channels, 0),
        AblationCam => ((channels + BatchSize(method) - 1) / BatchSize(method), 0),
        CamMethod => (0, 0),
        FullGrad => (1, 1),
        _ => (0, 0),
    };

    private static int BatchSize(ISaliencyMethod method) => int.Parse(method.Options["batch-size"], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Whether the method's maps come from the shared capture, and whether it needs that capture's backward.</summary>
    public static (bool Uses, bool Backward) CaptureOf(ISaliencyMethod method) =>
        method is CamMethod cam ? (true, cam.UsesGradients) : (false, false);

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
