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
        var sizes = LevelSizes(grid.PaddedHeight, grid.PaddedWidth);
        var levels = LevelScales(mp, s, grid, sizes);
        // z = D⁻¹r + Σ_l m·P_l(c_l ⊙ P_lᵀ(m·r)): Jacobi plus the additive multilevel preconditioner of
        // Bramble, Pasciak and Xu (1990) on nested vertex-centred grids, P_l the bilinear interpolation from
        // level l to the image and c_l the inverse of the Galerkin diagonal of the masked hat functions.
        // Every term is symmetric positive semi-definite and the first is definite on the removed pixels,
        // so the preconditioner is SPD and CG stays valid. Bilinear hats, not piecewise-constant blocks:
        // on the golden case this took CG from 300–550 iterations to 30–40 (README, ROAD).
        Tensor Precondition(Tensor residual, Tensor removedMask, Tensor invDiag, List<Tensor> scales)
        {
            var z = invDiag * residual;
            if (scales.Count == 0) return z;
            var restricted = new List<Tensor>();
            var level = removedMask * residual;
            for (int l = 1; l < sizes.Count; l++) restricted.Add(level = Restrict(level, sizes[l].Height, sizes[l].Width));
            Tensor? correction = null;
            for (int l = scales.Count - 1; l >= 0; l--)
            {
                var here = scales[l] * restricted[l];
                correction = correction is null ? here : here.add_(Prolong(correction, sizes[l + 1].Height, sizes[l + 1].Width));
            }
            return z.add_(removedMask * Prolong(correction!, grid.PaddedHeight, grid.PaddedWidth));
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
    /// The grid sizes of the hierarchy, finest first: a level of n nodes has ⌊n/2⌋ + 1 above it (node j
    /// above sits on node 2j below; a node beyond the finer grid's edge interpolates to nothing), down
    /// to at most 3 nodes along the longer side.
    /// </summary>
    private static List<(long Height, long Width)> LevelSizes(long h, long w)
    {
        var sizes = new List<(long, long)> { (h, w) };
        while (Math.Max(h, w) > 3)
        {
            h = h / 2 + 1;
            w = w / 2 + 1;
            sizes.Add((h, w));
        }
        return sizes;
    }

    /// <summary>
    /// Per coarse level l ≥ 1, the inverse of the Galerkin diagonal d_J = φ_Jᵀ A φ_J of the masked hat
    /// functions φ_J = m ⊙ P_l e_J (0 where a hat covers no removed pixel). Nodes are coloured by the
    /// parity of their row and column: two hats of one colour are 2·2ˡ pixels apart and reach 2ˡ − 1 from
    /// their node, so A (reach 1) of one never meets the other, and one stencil pass per colour gives
    /// φ ⊙ Aφ for all its nodes at once; each node's value is then the sum over its support.
    /// </summary>
    private static List<Tensor> LevelScales(Tensor m, Tensor s, PaddedGrid grid, List<(long Height, long Width)> sizes)
    {
        var result = new List<Tensor>();
        for (int l = 1; l < sizes.Count; l++)
        {
            var (hl, wl) = sizes[l];
            long f = 1L << l, k = 2 * f - 1;
            var rowIndex = torch.arange(hl, device: m.device).view(1, 1, hl, 1);
            var colIndex = torch.arange(wl, device: m.device).view(1, 1, 1, wl);
            var diagonal = torch.zeros(new[] { m.shape[0], 1, hl, wl }, dtype: m.dtype, device: m.device);
            for (int colour = 0; colour < 4; colour++)
            {
                var nodes = (rowIndex % 2 == colour / 2).logical_and(colIndex % 2 == colour % 2).to_type(m.dtype);
                var phi = nodes;
                for (int down = l - 1; down >= 0; down--) phi = Prolong(phi, sizes[down].Height, sizes[down].Width);
                phi = m * phi;
                var energy = phi * ((s * phi).sub_(grid.Neighbours(phi)).mul_(m));
                // Node j of level l sits on fine pixel j·2ˡ; its support is the (2·2ˡ − 1)² window around it.
                long padBottom = Math.Max(0, (hl - 1) * f + f - grid.PaddedHeight), padRight = Math.Max(0, (wl - 1) * f + f - grid.PaddedWidth);
                var padded = nn.functional.pad(energy, new long[] { f - 1, padRight, f - 1, padBottom });
                var sums = nn.functional.avg_pool2d(padded, new long[] { k, k }, new long[] { f, f }).mul_((double)(k * k));
                diagonal.add_(nodes * sums[.., .., ..(int)hl, ..(int)wl]);
            }
            result.Add(torch.where(diagonal > 1e-12, 1.0 / diagonal.clamp_min(1e-12), torch.zeros_like(diagonal)));
        }
        return result;
    }

    /// <summary>
    /// Bilinear interpolation from a vertex-centred grid of hc×wc nodes to the next finer one (2hc − 1)×(2wc − 1):
    /// even fine nodes copy their coarse node, odd ones average their two neighbours, rows then columns;
    /// cropped to <paramref name="h"/>×<paramref name="w"/>.
    /// </summary>
    private static Tensor Prolong(Tensor t, long h, long w)
    {
        long n0 = t.shape[0], n1 = t.shape[1], hc = t.shape[2], wc = t.shape[3];
        var rows = torch.empty(new[] { n0, n1, 2 * hc - 1, wc }, dtype: t.dtype, device: t.device);
        rows[.., .., TensorIndex.Slice(0, null, 2), ..].copy_(t);
        rows[.., .., TensorIndex.Slice(1, null, 2), ..].copy_((t[.., .., ..^1, ..] + t[.., .., 1.., ..]).mul_(0.5));
        var both = torch.empty(new[] { n0, n1, 2 * hc - 1, 2 * wc - 1 }, dtype: t.dtype, device: t.device);
        both[.., .., .., TensorIndex.Slice(0, null, 2)].copy_(rows);
        both[.., .., .., TensorIndex.Slice(1, null, 2)].copy_((rows[.., .., .., ..^1] + rows[.., .., .., 1..]).mul_(0.5));
        return 2 * hc - 1 == h && 2 * wc - 1 == w ? both : both[.., .., ..(int)h, ..(int)w];
    }

    /// <summary>The transpose of <see cref="Prolong"/>: a fine grid (cropped, so zero beyond its edge) summed onto hc×wc nodes.</summary>
    private static Tensor Restrict(Tensor t, long hc, long wc)
    {
        long h = t.shape[2], w = t.shape[3];
        var full = h == 2 * hc - 1 && w == 2 * wc - 1 ? t : nn.functional.pad(t, new long[] { 0, 2 * wc - 1 - w, 0, 2 * hc - 1 - h });
        // Columns first: the transpose of a product reverses its order.
        var oddColumns = full[.., .., .., TensorIndex.Slice(1, null, 2)] * 0.5;
        var columns = full[.., .., .., TensorIndex.Slice(0, null, 2)].clone();
        columns[.., .., .., ..^1].add_(oddColumns);
        columns[.., .., .., 1..].add_(oddColumns);
        var oddRows = columns[.., .., TensorIndex.Slice(1, null, 2), ..] * 0.5;
        var result = columns[.., .., TensorIndex.Slice(0, null, 2), ..].clone();
        result[.., .., ..^1, ..].add_(oddRows);
        result[.., .., 1.., ..].add_(oddRows);
        return result;
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
