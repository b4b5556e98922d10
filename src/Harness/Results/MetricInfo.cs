using GuidedCam.Core;
using GuidedCam.Metrics;

namespace GuidedCam.Harness.Results;

/// <summary>
/// What reports need to know of a metric named in the journal: its name, unit and direction, and a
/// fresh accumulator (so summaries use the metric's own aggregation, e.g. the pointing game's
/// per-class mean), and how tables show it (short column name, position). Built from a
/// <see cref="MetricRegistry"/> with the options recorded next to the results.
/// </summary>
public sealed record MetricInfo(string Id, string Options, string DisplayName, string ShortName, int Order, string Unit, ScoreDirection Direction, Func<IMetricAccumulator> NewAccumulator)
{
    /// <param name="registry">Where the id is looked up; the built-in metrics when null.</param>
    public static MetricInfo Resolve(string id, string canonicalOptions, MetricCatalog? registry = null)
    {
        registry ??= MetricRegistry.BuiltIn;
        if (!registry.Exists(id))
            throw new InvalidDataException($"the journal has results of metric '{id}', which this guidedcam does not know (known: {string.Join(", ", registry.Ids.Order(StringComparer.Ordinal))})");
        IMetric metric;
        try { metric = registry.Create(id, ParseOptions(canonicalOptions)); }
        catch (ArgumentException e) { throw new InvalidDataException($"metric '{id}' with the journal's options '{canonicalOptions}': {e.Message}", e); }
        return new MetricInfo(id, canonicalOptions, metric.DisplayName, metric.ShortName, metric.Order, metric.Unit, metric.Direction, metric.CreateAccumulator) { CurveAxis = metric as ICurveAxis };
    }

    /// <summary>Inverse of <see cref="ResultRecord.CanonicalOptions"/> (<see cref="OptionResolver.ParseCanonical"/>).</summary>
    public static IReadOnlyDictionary<string, string> ParseOptions(string canonical) => OptionResolver.ParseCanonical(canonical);

    /// <summary>How the metric's curves are drawn, when it declares it (<see cref="ICurveAxis"/>).</summary>
    public ICurveAxis? CurveAxis { get; init; }

    public string Arrow => Direction == ScoreDirection.HigherIsBetter ? "↑" : "↓";
}
