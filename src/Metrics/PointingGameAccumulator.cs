namespace GuidedCam.Metrics;

/// <summary>
/// The pointing game's accumulator (TorchRay benchmark/pointing_game.py): hits and misses per dataset
/// class; the headline is the mean over classes of hits/(hits + misses) — every class weighs the same,
/// however many images it has. Since each value is 0 or 100, a class's accuracy is the mean of its
/// values. Classes without any counted unit do not enter the mean. Extra: "item-mean" (plain mean over
/// units), "classes" (how many classes entered the mean) and "class-&lt;k&gt;" (accuracy of dataset class
/// k). Std is the sample std (ddof = 1) of the unit values.
/// </summary>
public sealed class PointingGameAccumulator : IMetricAccumulator
{
    private readonly SortedDictionary<int, (double Sum, long Count)> _perClass = new();
    private readonly StreamingAccumulator _items = new();

    public void Update(IEnumerable<MetricValue> values)
    {
        var list = values as IReadOnlyCollection<MetricValue> ?? values.ToList();
        foreach (var v in list)
        {
            int c = v.DatasetClass ?? throw new ArgumentException(
                $"pointing game value for item '{v.ItemId}' has no dataset class; the per-class mean needs one");
            if (!double.IsFinite(v.Value))
                throw new ArgumentException($"pointing game value for item '{v.ItemId}' (class {c}) is {v.Value}");
            var (sum, count) = _perClass.GetValueOrDefault(c);
            _perClass[c] = (sum + v.Value, count + 1);
        }
        _items.Update(list);
    }

    public MetricSummary Summary()
    {
        var items = _items.Summary();
        if (_perClass.Count == 0) return items;
        var extra = new Dictionary<string, double>
        {
            ["item-mean"] = items.Mean,
            ["classes"] = _perClass.Count,
        };
        foreach (var (c, (sum, count)) in _perClass) extra[$"class-{c}"] = sum / count;
        double classMean = _perClass.Values.Average(p => p.Sum / p.Count);
        return new MetricSummary(classMean, items.Std, items.Count, items.Flagged) { Extra = extra };
    }

    public void Reset()
    {
        _perClass.Clear();
        _items.Reset();
    }
}
