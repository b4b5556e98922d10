namespace GuidedCam.Harness.Results;

/// <summary>
/// One stored value, filed under identities rather than names: (model key, dataset key, item, target,
/// method key, metric key). The method key is the method id with its options (and the run seed for
/// methods that draw random numbers); the metric key is the metric id with its options. Names for
/// tables come from the view that shows the cell.
/// </summary>
public sealed record JournalCell(
    string ModelKey,
    string DatasetKey,
    string ItemId,
    long Target,
    int? DatasetClass,
    string Method,
    string MethodOptions,
    string MethodKey,
    string Metric,
    string MetricOptions,
    double Value,
    bool Flagged,
    double[]? Curve)
{
    public string MetricKey => MetricKeyOf(Metric, MetricOptions);

    /// <summary>A metric's key: "id[options]" with options in canonical form.</summary>
    public static string MetricKeyOf(string metric, string options) => options.Length == 0 ? metric : $"{metric}[{options}]";

    /// <summary>A method's key: "id[options]", plus "@seed" when the method's maps depend on the run seed.</summary>
    public static string MethodKeyOf(string method, string options, int? seed) =>
        (options.Length == 0 ? method : $"{method}[{options}]") + (seed is int s ? $"@{s}" : "");

    public ResultRecord ToRecord(string modelName, string datasetName) =>
        new(modelName, datasetName, ItemId, Target, DatasetClass, Method, MethodOptions, Metric, MetricOptions, Value, Flagged, Curve);
}
