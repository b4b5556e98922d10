namespace GuidedCam.Metrics;

/// <summary>
/// numpy.percentile's default 'linear' method (Hyndman &amp; Fan type 7): in the ascending sorted values
/// v[0..n−1] the p-th percentile sits at index i = p/100·(n − 1) and is v[⌊i⌋] + (v[⌊i⌋+1] − v[⌊i⌋])·(i − ⌊i⌋),
/// evaluated from the upper end when the fraction is ≥ 0.5 as numpy's _lerp does (so equal neighbours
/// give that value exactly). ROAD thresholds its maps with it (pytorch-grad-cam metrics/perturbation_confidence.py).
/// </summary>
public static class LinearPercentile
{
    public static double Of(float[] sortedAscending, double percentile)
    {
        if (sortedAscending.Length == 0) throw new ArgumentException("the percentile of an empty array is undefined");
        if (!(percentile >= 0 && percentile <= 100)) throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "a percentile is in [0, 100]");
        double index = percentile / 100.0 * (sortedAscending.Length - 1);
        int lo = (int)Math.Floor(index);
        int hi = Math.Min(lo + 1, sortedAscending.Length - 1);
        double t = index - lo;
        double a = sortedAscending[lo], b = sortedAscending[hi];
        double diff = b - a;
        return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
    }
}
