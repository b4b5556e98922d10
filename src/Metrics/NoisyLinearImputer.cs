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
/// this solves it with preconditioned conjugate gradients on the masked 3×3 stencil, in float64,
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

    /// <summary>
    /// Preconditioned CG on the masked stencil, every (image, channel) system with its own step sizes and
    /// stopping point. The iterates live on the image padded by one zero pixel on each side, so that the
    /// 8-neighbour sum is eight shifted slices of each contiguous plane (a zero neighbour is one outside
    /// the image, exactly as the reference drops it). That is what makes an iteration cheap: libtorch's
    /// float64 convolution on the CPU falls back to im2col and cost about 8× the shifted sums here.
    /// </summary>
    private static (Tensor Imputed, int Iterations, double[] Relative) Solve(Tensor x, Tensor m, double tolerance)
    {
        long b = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        var device = x.device;
        var type = x.dtype;
        var grid = new PaddedGrid(h, w);
        var kept = 1.0 - m;
        var mp = grid.Pad(m);
        var s = grid.Neighbours(grid.Pad(torch.ones(1, 1, h, w, dtype: type, device: device)));

        var rhs = mp * grid.Neighbours(grid.Pad(x * kept));
        var dims = new long[] { 2, 3 };
        // The working set: images with a system still iterating. Finished images leave it (their u is
        // stored), so the cost follows the images still running, not the slowest one.
        var solution = torch.zeros_like(rhs);
        var rows = Enumerable.Range(0, (int)b).Select(i => (long)i).ToArray();
        var mask = mp;
        var inverseDiagonal = torch.where(mp > 0, mp / s.clamp_min(1e-300), torch.zeros_like(mp));
        var levels = CoarseLevels(mp, s, grid);
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
            for (int l = 0; l < scales.Count; l++) sums.Add(level = BlockSum2(level));
            Tensor? correction = null;
            for (int l = scales.Count - 1; l >= 0; l--)
            {
                var here = scales[l] * sums[l];
                correction = correction is null ? here : here.add_(Expand2(correction, sums[l].shape[2], sums[l].shape[3]));
            }
            var z = invDiag * residual;
            return correction is null ? z : z.add_(removedMask * Expand2(correction!, grid.PaddedHeight, grid.PaddedWidth));
        }
        var u = torch.zeros_like(rhs);
        var r = rhs.clone();
        var p = Precondition(r, mask, inverseDiagonal, levels);
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
            var ap = (s * p).sub_(grid.Neighbours(p)).mul_(mask);
            var pap = (p * ap).sum(dims, keepdim: true);
            var alpha = torch.where(active, rz / pap, torch.zeros_like(pap));
            u.add_(alpha * p);
            r.sub_(alpha * ap);
            var zNext = Precondition(r, mask, inverseDiagonal, levels);
            var rzNext = (r * zNext).sum(dims, keepdim: true);
            var beta = torch.where(active, rzNext / rz, torch.zeros_like(rz));
            Replace(ref p, step.MoveToOuter(zNext.add_(beta * p)));
            Replace(ref rz, step.MoveToOuter(torch.where(active, rzNext, rz)));
        }
        return (x * kept + grid.Crop(solution), iterations, relative);
    }

    /// <summary>
    /// An H×W image held with one zero pixel around it, (H + 2)×(W + 2) per plane, contiguous. The
    /// 8-neighbour weighted sum at every inner pixel reads the plane at fixed flat offsets (±1, ±(W + 2),
    /// ±(W + 2) ± 1), so it is eight additions of contiguous slices; the ring itself is left 0.
    /// </summary>
    private sealed class PaddedGrid
    {
        private readonly long h, w;
        public PaddedGrid(long height, long width) { h = height; w = width; }
        public long PaddedHeight => h + 2;
        public long PaddedWidth => w + 2;

        public Tensor Pad(Tensor t) => nn.functional.pad(t, new long[] { 1, 1, 1, 1 });

        public Tensor Crop(Tensor t) => t[.., .., 1..(int)(h + 1), 1..(int)(w + 1)];

        /// <summary>Σ_j w_ij·t_j over the 8 neighbours of every inner pixel (weights 1/6 edges, 1/12 corners); the ring is 0.</summary>
        public Tensor Neighbours(Tensor t)
        {
            long n0 = t.shape[0], n1 = t.shape[1], row = w + 2, length = (h + 2) * row;
            // Inner pixels span flat indices [row + 1, length − row − 1); every offset keeps them in the plane.
            long first = row + 1, span = length - 2 * first;
            var flat = t.contiguous().view(n0, n1, length);
            Tensor Shifted(long offset) => flat.narrow(2, first + offset, span);
            var edges = Shifted(-1).clone().add_(Shifted(1)).add_(Shifted(-row)).add_(Shifted(row));
            var corners = Shifted(-row - 1).clone().add_(Shifted(-row + 1)).add_(Shifted(row - 1)).add_(Shifted(row + 1));
            var sum = edges.mul_(EdgeWeight).add_(corners, alpha: CornerWeight);
            var result = torch.zeros(new[] { n0, n1, h + 2, w + 2 }, dtype: t.dtype, device: t.device);
            result.view(n0, n1, length).narrow(2, first, span).copy_(sum);
            // The slices wrap from one row's right edge to the next row's left edge; those positions are
            // the ring, cleared here so the ring stays 0 as the padding it stands for.
            result[.., .., .., 0].zero_();
            result[.., .., .., -1].zero_();
            return result;
        }
    }

    /// <summary>
    /// The coarse levels of the preconditioner on the padded grid: for block sizes f = 2, 4, … up to the
    /// grid, the inverse of the Galerkin diagonal of the block indicators, d_B = (m·1_B)ᵀ A (m·1_B) =
    /// Σ_{i ∈ B removed} (s_i − Σ_{j ∈ B removed} w_ij) (0 where a block has no removed pixel). Blocks are
    /// coloured by the parity of their row and column, so one stencil pass per colour gives the
    /// within-block sums (same-coloured blocks are at least f ≥ 2 pixels apart and the stencil reaches 1).
    /// </summary>
    private static List<Tensor> CoarseLevels(Tensor m, Tensor s, PaddedGrid grid)
    {
        var result = new List<Tensor>();
        long h = grid.PaddedHeight, w = grid.PaddedWidth;
        var rowIndex = torch.arange(h, device: m.device).view(1, 1, h, 1);
        var colIndex = torch.arange(w, device: m.device).view(1, 1, 1, w);
        var ms = m * s;
        for (int f = 2; f < 2 * Math.Max(h, w); f *= 2)
        {
            var within = torch.zeros_like(m);
            for (int colour = 0; colour < 4; colour++)
            {
                var inColour = (rowIndex / f % 2 == colour / 2).logical_and(colIndex / f % 2 == colour % 2).to_type(m.dtype);
                var indicator = m * inColour;
                within = within + indicator * grid.Neighbours(indicator);
            }
            var diagonal = BlockSumOf(ms - within, f);
            result.Add(torch.where(diagonal > 1e-12, 1.0 / diagonal.clamp_min(1e-12), torch.zeros_like(diagonal)));
            if (f >= Math.Max(h, w)) break;
        }
        return result;
    }

    /// <summary>
    /// Sums over 2×2 blocks (the grid zero-padded to even size): B×C×⌈H/2⌉×⌈W/2⌉, as two strided
    /// additions (a reshape-and-reduce over the block axes was about 10× slower on the CPU).
    /// </summary>
    private static Tensor BlockSum2(Tensor t)
    {
        long h = t.shape[2], w = t.shape[3], hb = (h + 1) / 2, wb = (w + 1) / 2;
        var even = hb * 2 == h && wb * 2 == w ? t : nn.functional.pad(t, new long[] { 0, wb * 2 - w, 0, hb * 2 - h });
        var rowPairs = even[.., .., TensorIndex.Slice(0, null, 2), ..] + even[.., .., TensorIndex.Slice(1, null, 2), ..];
        return rowPairs[.., .., .., TensorIndex.Slice(0, null, 2)] + rowPairs[.., .., .., TensorIndex.Slice(1, null, 2)];
    }

    /// <summary>Sums over f×f blocks for f a power of two, as nested 2×2 sums (so the levels nest).</summary>
    private static Tensor BlockSumOf(Tensor t, int f)
    {
        var result = t;
        for (int g = 2; g <= f; g *= 2) result = BlockSum2(result);
        return result;
    }

    /// <summary>Each value copied to its 2×2 pixels, cropped to H×W (the transpose of <see cref="BlockSum2"/>).</summary>
    private static Tensor Expand2(Tensor t, long h, long w)
    {
        long n0 = t.shape[0], n1 = t.shape[1], hb = t.shape[2], wb = t.shape[3];
        var doubled = t.view(n0, n1, hb, 1, wb, 1).expand(n0, n1, hb, 2, wb, 2).reshape(n0, n1, hb * 2, wb * 2);
        return hb * 2 == h && wb * 2 == w ? doubled : doubled[.., .., ..(int)h, ..(int)w];
    }

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
