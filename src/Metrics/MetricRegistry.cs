namespace GuidedCam.Metrics;

/// <summary>
/// Every metric by config id. Adding a metric = one file + one line here (docs/adding-a-metric.md).
/// </summary>
public static class MetricRegistry
{
    private static readonly Dictionary<string, Func<IReadOnlyDictionary<string, string>?, IMetric>> Factories = new(StringComparer.Ordinal)
    {
        ["average-drop"] = o => new AverageDropMetric(o),
        ["increase-in-confidence"] = o => new IncreaseInConfidenceMetric(o),
        ["deletion"] = o => new DeletionMetric(o),
        ["insertion"] = o => new InsertionMetric(o),
        ["pointing-game"] = o => new PointingGameMetric(o),
        ["energy-pointing-game"] = o => new EnergyPointingGameMetric(o),
        ["loc-gt-known"] = o => new LocalizationGtKnownMetric(o),
        ["loc-top1"] = o => new LocalizationTop1Metric(o),
        ["sparsity"] = o => new SparsityMetric(o),
        ["road"] = o => new RoadMetric(o),
    };

    public static IReadOnlyCollection<string> Ids => Factories.Keys;

    public static bool Exists(string id) => Factories.ContainsKey(id);

    /// <summary>Creates a metric; unknown ids and options are errors that list what is allowed.</summary>
    public static IMetric Create(string id, IReadOnlyDictionary<string, string>? options = null)
    {
        if (!Factories.TryGetValue(id, out var f))
            throw new ArgumentException($"unknown metric '{id}' (allowed: {string.Join(", ", Factories.Keys)})");
        return f(options);
    }

    /// <summary>Registers a metric factory (used by this assembly's metrics and by extensions).</summary>
    public static void Register(string id, Func<IReadOnlyDictionary<string, string>?, IMetric> factory) => Factories[id] = factory;
}
