using GuidedCam.Core;

namespace GuidedCam.Metrics;

/// <summary>
/// The metrics a run can name, by config id, in registration order. Never changes once built:
/// <see cref="With"/> gives a new catalog with one more metric, so an extension or a test runs its own
/// metrics without touching <see cref="MetricRegistry.BuiltIn"/>.
/// </summary>
public sealed class MetricCatalog
{
    private readonly ComponentFactories<IMetric> _factories;

    public MetricCatalog() : this(new ComponentFactories<IMetric>("metric")) { }

    private MetricCatalog(ComponentFactories<IMetric> factories) => _factories = factories;

    public IReadOnlyList<string> Ids => _factories.Ids;

    public bool Exists(string id) => _factories.Exists(id);

    /// <summary>Creates a metric; unknown ids and options are errors that list what is allowed.</summary>
    public IMetric Create(string id, IReadOnlyDictionary<string, string>? options = null) => _factories.Create(id, options);

    /// <summary>This catalog plus one metric (replacing a metric of the same id where it stands).</summary>
    public MetricCatalog With(string id, Func<IReadOnlyDictionary<string, string>?, IMetric> factory) => new(_factories.With(id, factory));
}
