using GuidedCam.Core;

namespace GuidedCam.Harness.Results;

/// <summary>
/// One computed value: the unit of the result store, of items.csv and of resumption. The key is
/// (Model, Dataset, ItemId, Target, Method, MethodOptions, Metric, MetricOptions); options are in
/// canonical "k=v;k=v" form (sorted keys) so two protocols never compare equal.
/// </summary>
public sealed record ResultRecord(
    string Model,
    string Dataset,
    string ItemId,
    long Target,
    int? DatasetClass,
    string Method,
    string MethodOptions,
    string Metric,
    string MetricOptions,
    double Value,
    bool Flagged,
    double[]? Curve)
{
    /// <summary>The options as records hold them (<see cref="OptionResolver.Canonical"/>).</summary>
    public static string CanonicalOptions(IReadOnlyDictionary<string, string> options) => OptionResolver.Canonical(options);
}
