using GuidedCam.Core;

namespace GuidedCam.Metrics;

/// <summary>
/// Network work per evaluation unit. Metrics that read the same forward passes (Average Drop and
/// Increase in Confidence share one masked forward) give the same <see cref="SharedKey"/>, and the plan
/// counts that work once.
/// </summary>
public sealed record MetricCost(PassCost PerUnit, string? SharedKey = null)
{
    public static MetricCost None { get; } = new(PassCost.None);
}
