namespace GuidedCam.Metrics;

/// <summary>
/// This project's metrics by config id. Adding one = one file + one line here (docs/adding-a-metric.md).
/// <see cref="BuiltIn"/> is immutable, so nothing a test or an extension does changes what the rest of
/// the process sees; they build their own catalog with <see cref="MetricCatalog.With"/>.
/// </summary>
public static class MetricRegistry
{
    public static MetricCatalog BuiltIn { get; } = new MetricCatalog()
        .With("average-drop", o => new AverageDropMetric(o))
        .With("increase-in-confidence", o => new IncreaseInConfidenceMetric(o))
        .With("deletion", o => new DeletionMetric(o))
        .With("insertion", o => new InsertionMetric(o))
        .With("pointing-game", o => new PointingGameMetric(o))
        .With("energy-pointing-game", o => new EnergyPointingGameMetric(o))
        .With("loc-gt-known", o => new LocalizationGtKnownMetric(o))
        .With("loc-top1", o => new LocalizationTop1Metric(o))
        .With("sparsity", o => new SparsityMetric(o))
        .With("road", o => new RoadMetric(o))
        .With("model-randomisation", o => new ModelRandomisationMetric(o));
}
