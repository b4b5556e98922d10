using GuidedCam.Methods;
using GuidedCam.Metrics;

namespace GuidedCam.Harness.Running;

/// <summary>
/// Image forwards and backwards a plan expects to spend, counted as images passed through the network
/// (a batch of 16 is 16), from what each method and metric declares (no id is known here): one clean
/// forward per item without stored units; per (item, target) with a CAM-method map to compute, one
/// shared capture (one forward, and one backward when a method among them needs gradients:
/// <see cref="MethodGroup"/>); per map, the method's <see cref="ISaliencyMethod.Cost"/> beyond that
/// capture; per cell to compute, the metric's <see cref="IMetric.Cost"/>, work with the same
/// <see cref="MetricCost.SharedKey"/> counted once. An estimate for the plan; run.log reports what was spent.
/// </summary>
public static class CostEstimate
{
    /// <summary>A method's own passes for one map, beyond the shared capture (<see cref="CaptureOf"/>).</summary>
    public static (long Forwards, long Backwards) MapCost(ISaliencyMethod method, int channels)
    {
        var cost = method.Cost(channels);
        var (uses, backward) = CaptureOf(method);
        return uses ? (cost.Forwards - 1, cost.Backwards - (backward ? 1 : 0)) : (cost.Forwards, cost.Backwards);
    }

    /// <summary>Whether the method's maps come from the shared capture, and whether it needs that capture's backward.</summary>
    public static (bool Uses, bool Backward) CaptureOf(ISaliencyMethod method) =>
        method is CamMethod ? (true, method.Needs.HasFlag(MethodNeeds.Gradients)) : (false, false);

    /// <summary>Metrics that share their forwards on one batch (<see cref="MaskedConfidence"/>) have the same key; null for the others.</summary>
    public static string? SharedForwards(IMetric metric) => metric.Cost(1, 1).SharedKey;

    public static long CellForwards(IMetric metric, int inputHeight, int inputWidth) => metric.Cost(inputHeight, inputWidth).PerUnit.Forwards;
}
