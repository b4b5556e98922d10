using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Metrics;

/// <summary>How one batched imputation solve ended.</summary>
/// <param name="Iterations">CG iterations of the slowest system.</param>
/// <param name="MaxRelativeResidual">Largest ‖b − A·u‖ / ‖b‖ over the systems (0 for a system with b = 0).</param>
/// <param name="Converged">Per image: every channel reached the tolerance.</param>
public sealed record ImputationStats(int Iterations, double MaxRelativeResidual, bool[] Converged);

/// <summary>
/// The linear imputer of ROAD (Rong et al. 2022, "A Consistent and Efficient Evaluation Strategy for
/// Attribution Methods", ICML, Sec. 4; pytorch-grad-cam 1.5.5 metrics/road.py NoisyLinearImputer, noise
/// added by the caller): every removed pixel takes the weighted mean of its 8 neighbours — weight 1/6 for
/// the 4 edge neighbours, 1/12 for the 4 corner neighbours; neighbours outside the image are dropped and
/// the mean is over the weights that remain — with the kept pixels fixed, per channel of the normalised
/// tensor.
/// <para>
/// The reference assembles that system as a sparse matrix and calls scipy's direct solver. Written as
/// s_i·u_i − Σ_{j removed} w_ij·u_j = Σ_{k kept} w_ik·x_k (s_i = the weights of the in-image neighbours),
/// the matrix is the grid Laplacian restricted to the removed pixels: symmetric (w_ij = w_ji, the offsets
/// come in ± pairs with equal weights; the dropped border weights only lower the diagonal, which is still
/// s_i = Σ_j w_ij over the in-image neighbours) and positive definite whenever some pixel is kept (every
/// connected region of removed pixels then touches a kept pixel: irreducibly diagonally dominant). So
/// this solves it with Jacobi-preconditioned conjugate gradients on the masked 3×3 stencil, in float64,
/// batched over images and channels, on the input's device; each system stops on its own residual, so
/// the result does not depend on which images share a batch. With no kept pixel at all the matrix is the
/// singular Neumann Laplacian and b = 0; the reference's solver returns u = 0 there, and so does CG
/// started at 0.
/// </para>
/// </summary>
public static class NoisyLinearImputer
{
    public const double EdgeWeight = 1.0 / 6;
    public const double CornerWeight = 1.0 / 12;
    /// <summary>Stop when ‖r‖ ≤ tolerance·‖b‖ for a system: 2e-5 from scipy's direct solve on the golden case (README, ROAD).</summary>
    public const double RelativeTolerance = 1e-6;
    /// <summary>Residuals are read back every this many iterations (one device→host sync per check).</summary>
    public const int CheckEvery = 10;

    /// <summary>The iteration cap: CG needs O(√κ) iterations, κ = O((H + W)²) for this stencil; 8·(H + W) leaves a wide margin.</summary>
    public static int MaxIterations(long height, long width) => (int)Math.Max(200, 8 * (height + width));

    /// <summary>
    /// The imputed images: <paramref name="inputs"/> B×C×H×W with the pixels where
    /// <paramref name="removed"/> (B×1×H×W bool) is true replaced by the linear imputation. Same dtype
    /// and device as the inputs.
    /// </summary>
    public static (Tensor Imputed, ImputationStats Stats) Impute(Tensor inputs, Tensor removed, double tolerance = RelativeTolerance)
    {
        if (inputs.dim() != 4 || removed.dim() != 4 || removed.shape[0] != inputs.shape[0] || removed.shape[1] != 1
            || removed.shape[2] != inputs.shape[2] || removed.shape[3] != inputs.shape[3])
            throw new ArgumentException($"imputation needs inputs B×C×H×W and a removed mask B×1×H×W, got [{string.Join("×", inputs.shape)}] and [{string.Join("×", removed.shape)}]");
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        // float64: at this tolerance the float32 iteration ended 1.5e-4 from the direct solve on the golden
        // case, float64 2e-5 (README, ROAD).
        var x = inputs.detach().to_type(ScalarType.Float64);
        var m = removed.to(inputs.device).to_type(ScalarType.Float64);
        var (imputed, iterations, relative) = Solve(x, m, tolerance);
        long b = inputs.shape[0], c = inputs.shape[1];
        var converged = new bool[b];
        for (long i = 0; i < b; i++)
        {
            converged[i] = true;
            for (long k = 0; k < c; k++) converged[i] &= relative[i * c + k] <= tolerance;
        }
        return (scope.MoveToOuter(imputed.to_type(inputs.dtype)), new ImputationStats(iterations, relative.Length == 0 ? 0 : relative.Max(), converged));
    }

    /// <summary>Jacobi-preconditioned CG on the masked stencil, every (image, channel) system with its own step sizes and stopping point.</summary>
    private static (Tensor Imputed, int Iterations, double[] Relative) Solve(Tensor x, Tensor m, double tolerance)
    {
        long b = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        var device = x.device;
        var type = x.dtype;
        var kept = 1.0 - m;
        var kernel = torch.tensor(new[]
        {
            CornerWeight, EdgeWeight, CornerWeight,
            EdgeWeight, 0.0, EdgeWeight,
            CornerWeight, EdgeWeight, CornerWeight,
        }, new long[] { 1, 1, 3, 3 }, dtype: ScalarType.Float64, device: device).to_type(type);
        var weight = kernel.expand(c, 1, 3, 3).contiguous();
        // Zero padding drops the neighbours outside the image, exactly as the reference drops them.
        Tensor Neighbours(Tensor u) => nn.functional.conv2d(u, weight, padding: new long[] { 1, 1 }, groups: c);
        var s = nn.functional.conv2d(torch.ones(1, 1, h, w, dtype: type, device: device), kernel, padding: new long[] { 1, 1 });

        var rhs = m * Neighbours(x * kept);
        var dims = new long[] { 2, 3 };
        // The working set: images with a system still iterating. Finished images leave it (their u is
        // stored), so the cost follows the images still running, not the slowest one.
        var solution = torch.zeros_like(rhs);
        var rows = Enumerable.Range(0, (int)b).Select(i => (long)i).ToArray();
        var mask = m;
        var inverseDiagonal = m / s;
        var levels = CoarseLevels(m, s, Neighbours1(kernel), h, w);
        // z = D⁻¹r + Σ_levels m·E_l(c_l·S_l(m·r)): Jacobi plus an additive multilevel term over nested
        // blocks (BPX-style with piecewise-constant blocks, each scaled by its Galerkin diagonal). Every term
        // is symmetric positive semi-definite and the first is definite on the removed pixels, so the
        // preconditioner is SPD and CG stays valid; it cut the iterations on the golden case by about 40 %.
        // Block sums go up the levels 2× at a time and the corrections come down the same way, so a level
        // costs a quarter of the one below it.
        Tensor Precondition(Tensor residual, Tensor removedMask, Tensor invDiag, List<Tensor> scales)
        {
            var sums = new List<Tensor>();
            var level = removedMask * residual;
            for (int l = 0; l < scales.Count; l++) sums.Add(level = BlockSum(level, 2));
            Tensor? correction = null;
            for (int l = scales.Count - 1; l >= 0; l--)
            {
                var here = scales[l] * sums[l];
                correction = correction is null ? here : here + Expand2(correction, sums[l].shape[2], sums[l].shape[3]);
            }
            var z = invDiag * residual;
            return correction is null ? z : z + removedMask * Expand2(correction!, h, w);
        }
        var u = torch.zeros_like(rhs);
        var r = rhs.clone();
        var p = Precondition(r, m, inverseDiagonal, levels);
        var rz = (r * p).sum(dims, keepdim: true);
        var bNorm = rhs.square().sum(dims, keepdim: true).sqrt();
        var hasRhs = bNorm > 0;
        // A system is active until its residual is below the tolerance; b = 0 (nothing removed, or
        // nothing kept) is solved by u = 0.
        var active = hasRhs.clone();
        var relative = new double[b * c];
        int iterations = 0, cap = MaxIterations(h, w);
        while (rows.Length > 0)
        {
            // One scope per iteration: a solve runs hundreds of iterations and every temporary would
            // otherwise live until the solve ends.
            using var step = torch.NewDisposeScope();
            if (iterations % CheckEvery == 0 || iterations == cap)
            {
                // Frozen systems keep their residual (alpha = 0), so a finished system stays finished.
                var rel = torch.where(hasRhs, r.square().sum(dims, keepdim: true).sqrt() / bNorm, torch.zeros_like(bNorm));
                var relHost = rel.cpu().to_type(ScalarType.Float64).flatten().data<double>().ToArray();
                var stillRunning = new List<long>();
                for (int i = 0; i < rows.Length; i++)
                {
                    bool running = false;
                    for (long k = 0; k < c; k++)
                    {
                        relative[rows[i] * c + k] = relHost[i * c + k];
                        running |= relHost[i * c + k] > tolerance;
                    }
                    if (running && iterations < cap) stillRunning.Add(i);
                }
                if (stillRunning.Count < rows.Length)
                {
                    var done = Enumerable.Range(0, rows.Length).Where(i => !stillRunning.Contains(i)).Select(i => (long)i).ToArray();
                    solution.index_copy_(0, torch.tensor(done.Select(i => rows[i]).ToArray(), device: device), u.index_select(0, torch.tensor(done, device: device)));
                    var keep = torch.tensor(stillRunning.ToArray(), device: device);
                    mask = Select(mask, keep, step); inverseDiagonal = Select(inverseDiagonal, keep, step); u = Select(u, keep, step);
                    r = Select(r, keep, step); p = Select(p, keep, step); rz = Select(rz, keep, step);
                    bNorm = Select(bNorm, keep, step); hasRhs = Select(hasRhs, keep, step); rel = rel.index_select(0, keep);
                    for (int l = 0; l < levels.Count; l++) levels[l] = Select(levels[l], keep, step);
                    rows = stillRunning.Select(i => rows[i]).ToArray();
                    if (rows.Length == 0) break;
                }
                Replace(ref active, step.MoveToOuter(rel > tolerance));
            }
            iterations++;
            var ap = mask * (s * p - Neighbours(p));
            var pap = (p * ap).sum(dims, keepdim: true);
            var alpha = torch.where(active, rz / pap, torch.zeros_like(pap));
            u.add_(alpha * p);
            r.sub_(alpha * ap);
            var zNext = Precondition(r, mask, inverseDiagonal, levels);
            var rzNext = (r * zNext).sum(dims, keepdim: true);
            var beta = torch.where(active, rzNext / rz, torch.zeros_like(rz));
            Replace(ref p, step.MoveToOuter(zNext + beta * p));
            Replace(ref rz, step.MoveToOuter(torch.where(active, rzNext, rz)));
        }
        return (x * kept + solution, iterations, relative);
    }

    private static Func<Tensor, Tensor> Neighbours1(Tensor kernel) => u => nn.functional.conv2d(u, kernel, padding: new long[] { 1, 1 });

    /// <summary>
    /// The coarse levels of the preconditioner: for block sizes f = 2, 4, … up to the image, the inverse
    /// of the Galerkin diagonal of the block indicators, d_B = (m·1_B)ᵀ A (m·1_B) = Σ_{i ∈ B removed}
    /// (s_i − Σ_{j ∈ B removed} w_ij) (0 where a block has no removed pixel). Blocks are coloured by the
    /// parity of their row and column, so one stencil pass per colour gives the within-block sums
    /// (same-coloured blocks are at least f ≥ 2 pixels apart and the stencil reaches 1).
    /// </summary>
    private static List<Tensor> CoarseLevels(Tensor m, Tensor s, Func<Tensor, Tensor> neighbours, long h, long w)
    {
        var result = new List<Tensor>();
        var rowIndex = torch.arange(h, device: m.device).view(1, 1, h, 1);
        var colIndex = torch.arange(w, device: m.device).view(1, 1, 1, w);
        for (int f = 2; f < 2 * Math.Max(h, w); f *= 2)
        {
            var within = torch.zeros_like(m);
            for (int colour = 0; colour < 4; colour++)
            {
                var inColour = (rowIndex / f % 2 == colour / 2).logical_and(colIndex / f % 2 == colour % 2).to_type(m.dtype);
                var indicator = m * inColour;
                within = within + indicator * neighbours(indicator);
            }
            var diagonal = BlockSumOf(m * s - within, f);
            result.Add(torch.where(diagonal > 1e-12, 1.0 / diagonal.clamp_min(1e-12), torch.zeros_like(diagonal)));
            if (f >= Math.Max(h, w)) break;
        }
        return result;
    }

    /// <summary>Sums over 2×2 blocks (the image zero-padded to even size): B×C×⌈H/2⌉×⌈W/2⌉.</summary>
    private static Tensor BlockSum(Tensor t, int f)
    {
        long h = t.shape[2], w = t.shape[3], hb = (h + f - 1) / f, wb = (w + f - 1) / f;
        var padded = hb * f == h && wb * f == w ? t : nn.functional.pad(t, new long[] { 0, wb * f - w, 0, hb * f - h });
        return padded.reshape(t.shape[0], t.shape[1], hb, f, wb, f).sum(new long[] { 3, 5 });
    }

    /// <summary>Sums over f×f blocks for f a power of two, the same blocks as f/2 sums of 2 repeated (so the levels nest).</summary>
    private static Tensor BlockSumOf(Tensor t, int f)
    {
        var result = t;
        for (int g = 2; g <= f; g *= 2) result = BlockSum(result, 2);
        return result;
    }

    /// <summary>Each value copied to its 2×2 pixels, cropped to H×W (the transpose of <see cref="BlockSum"/> with f = 2).</summary>
    private static Tensor Expand2(Tensor t, long h, long w) =>
        t.repeat_interleave(2, 2).repeat_interleave(2, 3)[.., .., ..(int)h, ..(int)w];

    /// <summary>The rows <paramref name="keep"/> of a working-set tensor, owned by the solve (not the iteration's scope).</summary>
    private static Tensor Select(Tensor state, Tensor keep, DisposeScope step)
    {
        var next = step.MoveToOuter(state.index_select(0, keep));
        state.Dispose();
        return next;
    }

    /// <summary>Swaps in the next iterate and frees the previous one (it belongs to the solve's scope, which would keep it to the end).</summary>
    private static void Replace(ref Tensor state, Tensor next)
    {
        var old = state;
        state = next;
        old.Dispose();
    }
}
