using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Metrics;

/// <summary>ROAD's two curves of one unit: the change of p_c per percentile when the most (MoRF) or least (LeRF) relevant pixels are imputed.</summary>
public sealed record RoadUnitCurves(double[] MostRelevantFirst, double[] LeastRelevantFirst, bool Converged);

/// <summary>
/// The perturbation game of ROAD (Rong et al. 2022, ICML; pytorch-grad-cam 1.5.5 metrics/road.py and
/// metrics/perturbation_confidence.py): for a percentile p, MoRF keeps the pixels whose map value is
/// strictly below numpy.percentile(map, p) and imputes all others (<see cref="NoisyLinearImputer"/>, plus
/// noise·N(0, 1) on the imputed pixels); LeRF does the same with the map replaced by 1 − map. The score
/// is p_c(imputed) − p_c(x). The imputed images of all units, percentiles and both orders are solved and
/// forwarded in chunks of `batch-size`. The result is cached on the batch, so `road` entries that differ
/// only in `output` share one computation.
/// </summary>
public static class RoadCurves
{
    private static readonly ConditionalWeakTable<MetricBatch, Dictionary<string, RoadUnitCurves[]>> Cache = new();

    /// <summary>
    /// The threshold of the reference, as it compares: numpy.percentile of the float32 map (or of
    /// 1 − map, computed in float32 as torch does), then rounded to float32 (torch compares a float32
    /// tensor with a Python scalar in float32).
    /// </summary>
    public static float Threshold(float[] map, double percentile, bool leastRelevantFirst)
    {
        var values = leastRelevantFirst ? map.Select(v => 1f - v).ToArray() : (float[])map.Clone();
        Array.Sort(values);
        return (float)LinearPercentile.Of(values, percentile);
    }

    /// <summary>
    /// Removed pixels K×1×H×W (bool) for maps K×H×W: MoRF removes map ≥ threshold (it keeps what is
    /// strictly below), LeRF removes 1 − map ≥ threshold.
    /// </summary>
    public static Tensor RemovedMask(Tensor maps, float[] thresholds, bool[] leastRelevantFirst)
    {
        using var scope = torch.NewDisposeScope();
        long k = maps.shape[0];
        var m = maps.to_type(ScalarType.Float32);
        var flip = torch.tensor(leastRelevantFirst, new long[] { k, 1, 1 }, device: maps.device);
        var relevance = torch.where(flip, 1f - m, m);
        var threshold = torch.tensor(thresholds, new long[] { k, 1, 1 }, device: maps.device);
        return scope.MoveToOuter((relevance < threshold).logical_not().unsqueeze(1));
    }

    /// <summary>The curves of every unit of the batch, computed once per batch and protocol.</summary>
    public static RoadUnitCurves[] Get(MetricBatch batch, IReadOnlyList<double> percentiles, double noise, int seed, int batchSize)
    {
        string key = Key(percentiles, noise, seed);
        var perBatch = Cache.GetValue(batch, _ => new Dictionary<string, RoadUnitCurves[]>());
        lock (perBatch)
        {
            if (perBatch.TryGetValue(key, out var cached)) return cached;
            var result = Compute(batch, percentiles, noise, seed, batchSize);
            perBatch[key] = result;
            return result;
        }
    }

    /// <summary>What decides the curves of a batch (the cache key).</summary>
    public static string Key(IReadOnlyList<double> percentiles, double noise, int seed) =>
        string.Join(",", percentiles.Select(p => p.ToString("R", CultureInfo.InvariantCulture)))
        + "|" + noise.ToString("R", CultureInfo.InvariantCulture) + "|" + seed.ToString(CultureInfo.InvariantCulture);

    private static RoadUnitCurves[] Compute(MetricBatch batch, IReadOnlyList<double> percentiles, double noise, int seed, int batchSize)
    {
        int n = batch.Units.Count, count = percentiles.Count;
        long[] targets = batch.Targets;
        double[] clean = ClassProbability.Of(batch.CleanLogits, targets);
        using var outer = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = batch.Inputs.detach();
        long h = x.shape[2], w = x.shape[3];
        var maps = batch.Maps.detach().to(x.device).to_type(ScalarType.Float32);
        var cpuMaps = maps.cpu().contiguous();

        // Jobs in a fixed order: unit, then MoRF before LeRF, then percentile.
        int jobsPerUnit = 2 * count;
        var thresholds = new float[n * jobsPerUnit];
        for (int i = 0; i < n; i++)
        {
            float[] map = cpuMaps[i].data<float>().ToArray();
            for (int j = 0; j < count; j++)
            {
                thresholds[i * jobsPerUnit + j] = Threshold(map, percentiles[j], leastRelevantFirst: false);
                thresholds[i * jobsPerUnit + count + j] = Threshold(map, percentiles[j], leastRelevantFirst: true);
            }
        }

        var scores = new double[n * jobsPerUnit];
        var converged = Enumerable.Repeat(true, n).ToArray();
        int jobs = n * jobsPerUnit;
        for (int j0 = 0; j0 < jobs; j0 += batchSize)
        {
            int j1 = Math.Min(jobs, j0 + batchSize), k = j1 - j0;
            using var scope = torch.NewDisposeScope();
            var unitOf = Enumerable.Range(j0, k).Select(j => (long)(j / jobsPerUnit)).ToArray();
            var lerf = Enumerable.Range(j0, k).Select(j => j % jobsPerUnit >= count).ToArray();
            var index = torch.tensor(unitOf, device: x.device);
            var removed = RemovedMask(maps.index_select(0, index), thresholds[j0..j1], lerf);
            var (imputed, stats) = NoisyLinearImputer.Impute(x.index_select(0, index), removed);
            if (noise > 0)
            {
                var eps = torch.stack(Enumerable.Range(j0, k).Select(j =>
                {
                    var unit = batch.Units[j / jobsPerUnit];
                    using var generator = new torch.Generator(NoiseSeed(seed, unit.Item.Id, unit.ModelTarget, j % jobsPerUnit));
                    return torch.randn(new long[] { x.shape[1], h, w }, device: torch.CPU, generator: generator);
                })).to(x.device).to_type(imputed.dtype);
                imputed = imputed + noise * eps * removed.to_type(imputed.dtype);
            }
            var logits = batch.Model.Forward(imputed);
            double[] p = ClassProbability.Of(logits, unitOf.Select(u => targets[u]).ToArray());
            for (int j = j0; j < j1; j++)
            {
                scores[j] = p[j - j0] - clean[j / jobsPerUnit];
                converged[j / jobsPerUnit] &= stats.Converged[j - j0];
            }
        }

        var result = new RoadUnitCurves[n];
        for (int i = 0; i < n; i++)
            result[i] = new RoadUnitCurves(scores[(i * jobsPerUnit)..(i * jobsPerUnit + count)],
                scores[(i * jobsPerUnit + count)..((i + 1) * jobsPerUnit)], converged[i]);
        return result;
    }

    /// <summary>
    /// The noise stream of one imputed image: FNV-1a of (seed, item id, target, which curve and
    /// percentile), so it depends on the unit alone, never on the batch it was computed in (resume and
    /// shards agree).
    /// </summary>
    public static ulong NoiseSeed(int seed, string itemId, long target, int job)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes($"{seed}\n{itemId}\n{target}\n{job}"))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        // libtorch seeds its CPU generator with 64 bits; keep it positive for generators that read a signed seed.
        return hash >> 1;
    }
}
