using GuidedCam.Methods;
using GuidedCam.Metrics;

namespace GuidedCam.Harness.Results;

/// <summary>
/// Aggregates records into <see cref="SummaryRow"/>s (docs/spec/metrics.md "Summaries"): per
/// (model, dataset, method + options, metric + options) the accumulator's summary, a bootstrap 95%
/// interval over units, and the paired difference with the reference method on shared units.
/// </summary>
public static class SummaryTable
{
    public const string DefaultReference = MethodRegistry.Reference;

    public static IReadOnlyList<SummaryRow> Compute(
        IReadOnlyList<ResultRecord> records, Func<string, string, MetricInfo> metricInfo, IIntervalEstimator intervals, string referenceMethod = DefaultReference)
    {
        // Cells are independent (each has its own random stream), so they run in parallel and the
        // rows come back in the deterministic cell order: ~1 s per cell of 5,000 units on one core.
        var work = new List<Func<SummaryRow>>();
        var cells = records
            .GroupBy(r => (r.Model, r.Dataset, r.Metric, r.MetricOptions))
            .OrderBy(g => g.Key.Model, StringComparer.Ordinal).ThenBy(g => g.Key.Dataset, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Metric, StringComparer.Ordinal).ThenBy(g => g.Key.MetricOptions, StringComparer.Ordinal);
        foreach (var metricGroup in cells)
        {
            var (model, dataset, metric, metricOptions) = metricGroup.Key;
            var info = metricInfo(metric, metricOptions);
            var byMethod = metricGroup
                .GroupBy(r => (r.Method, r.MethodOptions))
                .OrderBy(g => g.Key.Method, StringComparer.Ordinal).ThenBy(g => g.Key.MethodOptions, StringComparer.Ordinal)
                .ToList();
            // The reference is the reference method without options if it ran, else its first option variant.
            var reference = byMethod.Where(g => g.Key.Method == referenceMethod).OrderBy(g => g.Key.MethodOptions.Length).FirstOrDefault();
            var referenceUnits = reference?.ToDictionary(r => (r.ItemId, r.Target), ToValue);
            foreach (var methodGroup in byMethod) work.Add(() =>
            {
                var units = methodGroup.Select(ToValue).ToList();
                var acc = info.NewAccumulator();
                acc.Update(units);
                var s = acc.Summary();
                string stream = $"{model}|{dataset}|{methodGroup.Key.Method}|{methodGroup.Key.MethodOptions}|{metric}|{metricOptions}";
                var (lo, hi) = intervals.Interval(units, info.NewAccumulator, stream);

                double diff = double.NaN, diffLo = double.NaN, diffHi = double.NaN;
                if (referenceUnits is not null && !ReferenceEquals(methodGroup, reference))
                {
                    // Pair by (item, target): the same evaluation unit under both methods.
                    var a = new List<MetricValue>();
                    var b = new List<MetricValue>();
                    foreach (var u in units)
                        if (referenceUnits.TryGetValue((u.ItemId, u.Target), out var r)) { a.Add(u); b.Add(r); }
                    if (a.Count > 0)
                    {
                        diff = MeanOf(info.NewAccumulator(), a) - MeanOf(info.NewAccumulator(), b);
                        (diffLo, diffHi) = intervals.PairedDifferenceInterval(a, b, info.NewAccumulator, stream + "|vs|" + referenceMethod);
                    }
                }
                return new SummaryRow(model, dataset, methodGroup.Key.Method, methodGroup.Key.MethodOptions, metric, metricOptions,
                    s.Mean, s.Std, s.Count, lo, hi, s.Flagged, info.Direction, diff, diffLo, diffHi) { Extra = s.Extra };
            });
        }
        var rows = new SummaryRow[work.Count];
        Parallel.For(0, work.Count, i => rows[i] = work[i]());
        return rows;
    }

    public static MetricValue ToValue(ResultRecord r) =>
        new(r.ItemId, r.Target, r.DatasetClass, r.Value) { Flagged = r.Flagged, Curve = r.Curve };

    private static double MeanOf(IMetricAccumulator acc, IEnumerable<MetricValue> values)
    {
        acc.Update(values);
        return acc.Summary().Mean;
    }
}
