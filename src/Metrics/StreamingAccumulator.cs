namespace GuidedCam.Metrics;

/// <summary>
/// The default accumulator (torchcam-style update / summary / reset): mean, sample standard deviation
/// (ddof = 1, i.e. divided by count − 1; 0 for a single value), count and flagged count, in one pass
/// with Welford's update (Welford 1962), so long runs neither keep every value nor lose precision.
/// An empty accumulator has Mean = NaN (no data), Count = 0. A NaN value is a bug upstream and is
/// rejected with the item named: every metric here maps degenerate cases to a number and a flag.
/// </summary>
public sealed class StreamingAccumulator : IMetricAccumulator
{
    private long _count;
    private int _flagged;
    private double _mean;
    private double _m2;

    public void Update(IEnumerable<MetricValue> values)
    {
        foreach (var v in values)
        {
            if (!double.IsFinite(v.Value))
                throw new ArgumentException($"metric value for item '{v.ItemId}' (target {v.Target}) is {v.Value}; metrics must give finite numbers");
            _count++;
            double delta = v.Value - _mean;
            _mean += delta / _count;
            _m2 += delta * (v.Value - _mean);
            if (v.Flagged) _flagged++;
        }
    }

    public MetricSummary Summary()
    {
        if (_count == 0) return new MetricSummary(double.NaN, 0, 0, 0);
        double std = _count > 1 ? Math.Sqrt(Math.Max(0, _m2 / (_count - 1))) : 0;
        return new MetricSummary(_mean, std, checked((int)_count), _flagged);
    }

    public void Reset()
    {
        _count = 0;
        _flagged = 0;
        _mean = 0;
        _m2 = 0;
    }
}
