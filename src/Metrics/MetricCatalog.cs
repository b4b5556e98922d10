using GuidedCam.Core;

namespace GuidedCam.Metrics;

/// <summary>
/// The metrics a run can name, by config id, in registration order; never changes once built
/// (<see cref="ComponentCatalog{T, TSelf}.With"/> gives a new one), so nothing a test or an extension
/// registers changes <see cref="MetricRegistry.BuiltIn"/>.
/// </summary>
public sealed class MetricCatalog : ComponentCatalog<IMetric, MetricCatalog>
{
    protected override string Kind => "metric";
}
