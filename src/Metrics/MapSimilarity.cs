using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Metrics;

/// <summary>
/// Similarity of two saliency maps, as used by the model-parameter randomisation test (Adebayo et al.
/// 2018, Sec. 3: Spearman rank correlation and SSIM between the original and the randomised map).
/// </summary>
public static class MapSimilarity
{
    /// <summary>SSIM window side (uniform window, as scikit-image's structural_similarity default).</summary>
    public const int SsimWindow = 7;
    private const double K1 = 0.01, K2 = 0.03;

    /// <summary>
    /// Spearman's ρ: the Pearson correlation of the two rank vectors, tied values sharing their average
    /// rank (scipy.stats.spearmanr). ρ has no value when a map is constant: two constant maps are taken
    /// as identical (1), one constant map against a varying one as unrelated (0), and
    /// <paramref name="undefined"/> is set so the unit can be flagged.
    /// </summary>
    public static double Spearman(float[] a, float[] b, out bool undefined)
    {
        if (a.Length != b.Length) throw new ArgumentException($"maps of different sizes ({a.Length} and {b.Length} values)");
        double[] ra = Ranks(a), rb = Ranks(b);
        double mean = (a.Length + 1) / 2.0; // the mean of average ranks is always (n + 1)/2
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < ra.Length; i++)
        {
            double da = ra[i] - mean, db = rb[i] - mean;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        undefined = saa == 0 || sbb == 0;
        if (undefined) return saa == 0 && sbb == 0 ? 1.0 : 0.0;
        return Math.Clamp(sab / Math.Sqrt(saa * sbb), -1.0, 1.0);
    }

    /// <summary>1-based ranks, ties sharing the average of the ranks they span.</summary>
    public static double[] Ranks(float[] values)
    {
        int n = values.Length;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var keys = (float[])values.Clone();
        Array.Sort(keys, order);
        var ranks = new double[n];
        for (int start = 0; start < n;)
        {
            int end = start + 1;
            while (end < n && keys[end] == keys[start]) end++;
            double rank = (start + 1 + end) / 2.0; // average of ranks start+1 … end
            for (int j = start; j < end; j++) ranks[order[j]] = rank;
            start = end;
        }
        return ranks;
    }

    /// <summary>
    /// Mean SSIM per map pair (Wang, Bovik, Sheikh &amp; Simoncelli 2004, Eq. 13) of N×H×W maps in
    /// [0, 1]: a 7×7 uniform window, K1 = 0.01, K2 = 0.03, dynamic range L = 1, sample (co)variances
    /// (divided by 49 − 1), averaged over every position where the window lies inside the map — the
    /// defaults of scikit-image's structural_similarity(a, b, data_range=1).
    /// </summary>
    public static double[] Ssim(Tensor a, Tensor b)
    {
        if (a.dim() != 3 || !a.shape.SequenceEqual(b.shape)) throw new ArgumentException($"SSIM needs two N×H×W maps of one shape, got [{string.Join("×", a.shape)}] and [{string.Join("×", b.shape)}]");
        if (a.shape[1] < SsimWindow || a.shape[2] < SsimWindow) throw new ArgumentException($"SSIM's {SsimWindow}×{SsimWindow} window needs maps of at least that size, got {a.shape[1]}×{a.shape[2]}");
        using var scope = torch.NewDisposeScope();
        var x = a.detach().to(ScalarType.Float64).unsqueeze(1);
        var y = b.detach().to(ScalarType.Float64).to(x.device).unsqueeze(1);
        Tensor Mean(Tensor t) => nn.functional.avg_pool2d(t, SsimWindow, stride: 1);
        double np = SsimWindow * SsimWindow, covNorm = np / (np - 1);
        var mx = Mean(x);
        var my = Mean(y);
        var vx = (Mean(x * x) - mx * mx) * covNorm;
        var vy = (Mean(y * y) - my * my) * covNorm;
        var vxy = (Mean(x * y) - mx * my) * covNorm;
        double c1 = K1 * K1, c2 = K2 * K2;
        var s = (2 * mx * my + c1) * (2 * vxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
        return s.mean(new long[] { 1, 2, 3 }).cpu().data<double>().ToArray();
    }
}
