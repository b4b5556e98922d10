using GuidedCam.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Metrics;

/// <summary>
/// The causal "game" shared by Deletion and Insertion (Petsiuk et al. 2018, RISE, Sec. 4.1; reference
/// code eclique/RISE evaluation.py, CausalMetric.single_run / auc / gkern): pixels move from a start
/// image to a finish image in the order of the saliency map, `step` pixels at a time, and p_c is read
/// after every step. The forward passes of all steps of all items are batched together.
/// </summary>
public static class CausalCurve
{
    public const int BlurSize = 11;
    public const double BlurSigma = 5;

    /// <summary>y-axis label of a causal curve figure: what each point measures.</summary>
    public const string ProbabilityAxisLabel = "p_c: softmax probability of the explained class";

    /// <summary>x-axis label of a causal curve figure; <paramref name="verb"/> says what happens to the pixels ("deleted", "inserted").</summary>
    public static string PixelAxisLabel(string verb) => $"Fraction of pixels {verb} (most salient first)";

    /// <summary>
    /// RISE's gkern(11, 5): scipy.ndimage.gaussian_filter(σ = 5) applied to an 11×11 Dirac delta. That
    /// filter is separable with a 1-D Gaussian of radius int(4σ + 0.5) = 20 normalised to sum 1 and
    /// scipy's default boundary mode 'reflect' (d c b a | a b c d | d c b a), so the tails fold back
    /// into the 11×11 window: the kernel is k1 ⊗ k1 with k1[i] = Σ_j w[j] · [reflect(i + j) = 5], and it
    /// sums to 1. Returned row-major, float32 as RISE stores it.
    /// </summary>
    public static float[] GaussianKernel(int size = BlurSize, double sigma = BlurSigma)
    {
        int radius = (int)(4.0 * sigma + 0.5);
        var w = new double[2 * radius + 1];
        for (int j = -radius; j <= radius; j++) w[j + radius] = Math.Exp(-0.5 * j * j / (sigma * sigma));
        double total = w.Sum();
        int centre = size / 2;
        var k1 = new double[size];
        for (int i = 0; i < size; i++)
            for (int j = -radius; j <= radius; j++)
                if (Reflect(i + j, size) == centre) k1[i] += w[j + radius] / total;
        var k = new float[size * size];
        for (int r = 0; r < size; r++)
            for (int c = 0; c < size; c++)
                k[r * size + c] = (float)(k1[r] * k1[c]);
        return k;
    }

    /// <summary>scipy 'reflect' (half-sample symmetric) index into [0, length).</summary>
    private static int Reflect(int m, int length)
    {
        int period = 2 * length;
        m = ((m % period) + period) % period;
        return m < length ? m : period - 1 - m;
    }

    /// <summary>
    /// The insertion start image: each channel of the normalised N×3×H×W tensor convolved with
    /// gkern(11, 5), zero padding 5 (RISE: conv2d(x, kern, padding = klen // 2) with a diagonal 3×3
    /// kernel, i.e. per channel). Computed once per image.
    /// </summary>
    public static Tensor Blur(Tensor inputs)
    {
        using var scope = torch.NewDisposeScope();
        long channels = inputs.shape[1];
        var k = torch.tensor(GaussianKernel(), new long[] { 1, 1, BlurSize, BlurSize }, dtype: inputs.dtype, device: inputs.device);
        var weight = k.expand(channels, 1, BlurSize, BlurSize).contiguous();
        var blurred = nn.functional.conv2d(inputs, weight, padding: new long[] { BlurSize / 2, BlurSize / 2 }, groups: channels);
        return scope.MoveToOuter(blurred);
    }

    /// <summary>
    /// Rank of every pixel (0 = most salient) when the flat positions are sorted by saliency descending,
    /// ties by ascending flat index (docs/spec/metrics.md; a stable sort of −S).
    /// </summary>
    public static int[] Ranks(float[] map)
    {
        var order = new int[map.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(order, (a, b) =>
        {
            int byValue = map[b].CompareTo(map[a]);
            return byValue != 0 ? byValue : a.CompareTo(b);
        });
        var ranks = new int[map.Length];
        for (int r = 0; r < order.Length; r++) ranks[order[r]] = r;
        return ranks;
    }

    /// <summary>n = ceil(H·W / step): the curve has n + 1 points (RISE: n_steps = (HW + step − 1) // step).</summary>
    public static int StepCount(int pixels, int step) => (pixels + step - 1) / step;

    /// <summary>RISE auc(): trapezoid rule on [0, 1] over n + 1 equally spaced points, (Σ a − a₀/2 − aₙ/2) / n.</summary>
    public static double Auc(IReadOnlyList<double> curve)
    {
        if (curve.Count < 2) throw new ArgumentException($"a deletion/insertion curve needs at least 2 points, got {curve.Count}");
        int n = curve.Count - 1;
        return (curve.Sum() - curve[0] / 2 - curve[n] / 2) / n;
    }

    /// <summary>
    /// The curves: for item i and step t = 0..n, the image is start_i with its first min(t·step, H·W)
    /// ranked pixels (all channels at once) taken from finish_i, scored by p_c. All (item, step) images
    /// are forwarded in batches of <paramref name="batchSize"/>, so the number of network inputs is
    /// (n + 1) per item.
    /// </summary>
    public static double[][] Run(IClassifier model, Tensor start, Tensor finish, IReadOnlyList<int[]> ranks, long[] targets, int step, int batchSize)
    {
        int items = ranks.Count;
        long height = start.shape[2], width = start.shape[3];
        int pixels = checked((int)(height * width));
        int n = StepCount(pixels, step);
        var curves = new double[items][];
        for (int i = 0; i < items; i++) curves[i] = new double[n + 1];

        using var outer = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var rankTensors = ranks
            .Select(r => torch.tensor(r, new long[] { 1, height, width }, dtype: ScalarType.Int32, device: start.device))
            .ToArray();

        long jobs = (long)items * (n + 1);
        for (long j0 = 0; j0 < jobs; j0 += batchSize)
        {
            long j1 = Math.Min(jobs, j0 + batchSize);
            using var scope = torch.NewDisposeScope();
            var parts = new List<Tensor>();
            var jobTargets = new long[j1 - j0];
            // Consecutive jobs of one item form one slab: masks K×1×H×W from the rank map.
            for (long j = j0; j < j1;)
            {
                int item = (int)(j / (n + 1));
                int tFirst = (int)(j % (n + 1));
                int tLast = (int)Math.Min(n, tFirst + (j1 - j) - 1);
                int count = tLast - tFirst + 1;
                var changed = new int[count];
                for (int k = 0; k < count; k++) changed[k] = (int)Math.Min((long)(tFirst + k) * step, pixels);
                var thresholds = torch.tensor(changed, new long[] { count, 1, 1 }, dtype: ScalarType.Int32, device: start.device);
                var mask = (rankTensors[item] < thresholds).unsqueeze(1);
                // Copy, not blend: RISE assigns start[..., coords] = finish[..., coords].
                parts.Add(torch.where(mask, finish[item].unsqueeze(0), start[item].unsqueeze(0)));
                for (int k = 0; k < count; k++) jobTargets[j - j0 + k] = targets[item];
                j += count;
            }
            var logits = model.Forward(parts.Count == 1 ? parts[0] : torch.cat(parts, 0));
            double[] p = ClassProbability.Of(logits, jobTargets);
            for (long j = j0; j < j1; j++) curves[j / (n + 1)][j % (n + 1)] = p[j - j0];
        }
        return curves;
    }
}
