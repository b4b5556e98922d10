using GuidedCam.Methods;
using GuidedCam.Metrics;

namespace GuidedCam.Harness.Running;

/// <summary>
/// Image forwards and backwards a plan expects to spend, counted as images passed through the network
/// (a batch of 16 is 16), from what each method and metric declares: per map to compute, the method's
/// <see cref="ISaliencyMethod.Cost"/> for the layer's K channels; per cell to compute, the metric's
/// <see cref="IMetric.Cost"/> for the input size. An estimate for the plan; run.log reports what was spent.
/// </summary>
public static class CostEstimate
{
    public static (long Forwards, long Backwards) MapCost(ISaliencyMethod method, int channels)
    {
        var cost = method.Cost(channels);
        return (cost.Forwards, cost.Backwards);
    }

    public static long CellForwards(IMetric metric, int inputHeight, int inputWidth) => metric.Cost(inputHeight, inputWidth).PerUnit.Forwards;
}
