using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace GuidedCam.Harness.Models.Onnx;

/// <summary>What a kernel may need beyond its node and inputs.</summary>
/// <param name="ExportBatch">The batch size the graph was exported with (the input's static batch dim, else 1);
/// Reshape targets that hard-code it follow the actual batch instead.</param>
internal sealed record KernelContext(long ExportBatch);

/// <summary>One operator: the node, its input values (null = omitted optional input), → its outputs in order.</summary>
internal delegate Tensor[] OnnxKernel(OnnxNode node, Tensor?[] inputs, KernelContext context);

/// <summary>
/// The ONNX operators the interpreter runs, each as differentiable TorchSharp calls so that gradients
/// flow to any tapped tensor. Semantics follow the ONNX operator specification (onnx/docs/Operators.md)
/// for the opsets noted per operator; attributes the TorchSharp call cannot express are rejected with
/// an error naming the node, never silently ignored.
/// </summary>
internal static class OnnxOperators
{
    public static readonly IReadOnlyDictionary<string, OnnxKernel> Kernels = new Dictionary<string, OnnxKernel>
    {
        ["Conv"] = Conv,
        ["BatchNormalization"] = BatchNormalization,
        ["Relu"] = (_, x, _) => [F.relu(In(x, 0))],
        ["LeakyRelu"] = (n, x, _) => [F.leaky_relu(In(x, 0), n.Float("alpha", 0.01f))],
        ["Sigmoid"] = (_, x, _) => [In(x, 0).sigmoid()],
        ["Clip"] = Clip,
        ["MaxPool"] = MaxPool,
        ["AveragePool"] = AveragePool,
        ["GlobalAveragePool"] = (_, x, _) => [In(x, 0).mean(SpatialDims(In(x, 0)), keepdim: true)],
        ["GlobalMaxPool"] = (_, x, _) => [In(x, 0).amax(SpatialDims(In(x, 0)), keepdim: true)],
        ["Concat"] = Concat,
        ["Add"] = (_, x, _) => [In(x, 0) + In(x, 1)],
        ["Sub"] = (_, x, _) => [In(x, 0) - In(x, 1)],
        ["Mul"] = (_, x, _) => [In(x, 0) * In(x, 1)],
        ["Div"] = Div,
        ["Pow"] = (_, x, _) => [In(x, 0).pow(In(x, 1))],
        ["Sqrt"] = (_, x, _) => [In(x, 0).sqrt()],
        ["Exp"] = (_, x, _) => [In(x, 0).exp()],
        ["Neg"] = (_, x, _) => [In(x, 0).neg()],
        ["Erf"] = (_, x, _) => [In(x, 0).erf()],
        ["Gelu"] = Gelu,
        ["LayerNormalization"] = LayerNormalization,
        ["Slice"] = Slice,
        ["Expand"] = Expand,
        ["ConstantOfShape"] = ConstantOfShape,
        ["Equal"] = (_, x, _) => [torch.eq(In(x, 0), In(x, 1))],
        ["Where"] = (_, x, _) => [torch.where(In(x, 0).to_type(ScalarType.Bool), In(x, 1), In(x, 2))],
        ["Split"] = Split,
        ["Gemm"] = Gemm,
        ["MatMul"] = (_, x, _) => [torch.matmul(In(x, 0), In(x, 1))],
        ["Flatten"] = Flatten,
        ["Reshape"] = Reshape,
        ["Dropout"] = Dropout,
        ["Identity"] = (_, x, _) => [In(x, 0).alias()],
        ["Softmax"] = (n, x, _) => [SoftmaxLike(n, In(x, 0), log: false)],
        ["LogSoftmax"] = (n, x, _) => [SoftmaxLike(n, In(x, 0), log: true)],
        ["Pad"] = Pad,
        ["Tanh"] = (_, x, _) => [In(x, 0).tanh()],
        // HardSigmoid (opset 6): max(0, min(1, αx + β)), α = 0.2, β = 0.5 by default.
        ["HardSigmoid"] = (n, x, _) => [(In(x, 0) * n.Float("alpha", 0.2f) + n.Float("beta", 0.5f)).clamp(0f, 1f)],
        // HardSwish (opset 14): x · max(0, min(1, x/6 + 1/2)) = torch's hardswish.
        ["HardSwish"] = (_, x, _) => [F.hardswish(In(x, 0))],
        ["Shape"] = Shape,
        ["Gather"] = Gather,
        ["Unsqueeze"] = Unsqueeze,
        ["Squeeze"] = Squeeze,
        ["Transpose"] = Transpose,
        ["ReduceMean"] = ReduceMean,
        ["ReduceSum"] = ReduceSum,
        ["Cast"] = Cast,
    };

    /// <summary>Element-wise / concatenating operators whose inputs must agree on the batch (see <see cref="OnnxClassifier"/>).</summary>
    public static readonly IReadOnlySet<string> BatchFollowing = new HashSet<string> { "Add", "Sub", "Mul", "Div", "Pow", "Where", "Concat" };

    /// <summary>Evaluated once at load time; their outputs become frozen constants.</summary>
    public const string ConstantOp = "Constant";

    public static IEnumerable<string> SupportedOps => Kernels.Keys.Append(ConstantOp).Order(StringComparer.Ordinal);

    private static Tensor In(Tensor?[] x, int i) => i < x.Length && x[i] is Tensor t ? t : throw new ArgumentException($"input {i} is missing");

    private static long[] SpatialDims(Tensor x) => Enumerable.Range(2, (int)x.dim() - 2).Select(i => (long)i).ToArray();

    // Conv (opset 1/11): 2-D only. Asymmetric ONNX pads [h_begin, w_begin, h_end, w_end] become an explicit F.pad.
    private static Tensor[] Conv(OnnxNode n, Tensor?[] x, KernelContext _)
    {
        var input = In(x, 0);
        var weight = In(x, 1);
        var bias = n.HasInput(2) ? In(x, 2) : null;
        if (weight.dim() != 4 || input.dim() != 4)
            throw n.Error($"only 2-D convolution is supported (input {input.dim()}-d, weight {weight.dim()}-d)");
        long[] kernel = n.Ints("kernel_shape") ?? [weight.shape[2], weight.shape[3]];
        long[] strides = n.Ints("strides") ?? [1, 1];
        long[] dilations = n.Ints("dilations") ?? [1, 1];
        long group = n.Int("group", 1);
        var pads = ResolvePads(n, input, kernel, strides, dilations);
        if (pads[0] == pads[2] && pads[1] == pads[3])
            return [F.conv2d(input, weight, bias, strides, [pads[0], pads[1]], dilations, group)];
        var padded = F.pad(input, [pads[1], pads[3], pads[0], pads[2]]);
        return [F.conv2d(padded, weight, bias, strides, [0, 0], dilations, group)];
    }

    /// <summary>
    /// ONNX pads as [h_begin, w_begin, h_end, w_end]. auto_pad SAME_UPPER/SAME_LOWER: output = ⌈in/stride⌉ and the
    /// total padding split with the extra pixel at the end (UPPER) or the beginning (LOWER), per the ONNX Conv spec.
    /// </summary>
    private static long[] ResolvePads(OnnxNode n, Tensor input, long[] kernel, long[] strides, long[] dilations)
    {
        if (kernel.Length != 2) throw n.Error($"only 2-D kernels are supported, kernel_shape has {kernel.Length} entries");
        string autoPad = n.String("auto_pad", "NOTSET");
        switch (autoPad)
        {
            case "NOTSET":
                var pads = n.Ints("pads") ?? [0, 0, 0, 0];
                if (pads.Length != 4) throw n.Error($"pads has {pads.Length} entries, 2-D needs 4");
                return pads;
            case "VALID":
                return [0, 0, 0, 0];
            case "SAME_UPPER":
            case "SAME_LOWER":
                var result = new long[4];
                for (int d = 0; d < 2; d++)
                {
                    long size = input.shape[2 + d];
                    long output = (size + strides[d] - 1) / strides[d];
                    long total = Math.Max(0, (output - 1) * strides[d] + (kernel[d] - 1) * dilations[d] + 1 - size);
                    long small = total / 2, large = total - small;
                    result[d] = autoPad == "SAME_UPPER" ? small : large;
                    result[d + 2] = autoPad == "SAME_UPPER" ? large : small;
                }
                return result;
            default:
                throw n.Error($"auto_pad '{autoPad}' is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER");
        }
    }

    // BatchNormalization (opset 9/14/15), inference form: y = γ(x − μ)/√(σ² + ε) + β.
    private static Tensor[] BatchNormalization(OnnxNode n, Tensor?[] x, KernelContext _)
    {
        if (n.Int("training_mode", 0) != 0) throw n.Error("training_mode = 1 is not supported (inference only)");
        return [F.batch_norm(In(x, 0), In(x, 3), In(x, 4), In(x, 1), In(x, 2), training: false, eps: n.Float("epsilon", 1e-5f))];
    }

    // Clip: bounds are attributes before opset 11 and optional scalar inputs from opset 11 on.
    private static Tensor[] Clip(OnnxNode n, Tensor?[] x, KernelContext _)
    {
        float? min, max;
        if (n.Opset < 11)
        {
            min = n.HasAttribute("min") ? n.Float("min", 0) : null;
            max = n.HasAttribute("max") ? n.Float("max", 0) : null;
        }
        else
        {
            min = n.HasInput(1) ? In(x, 1).ToSingle() : null;
            max = n.HasInput(2) ? In(x, 2).ToSingle() : null;
        }
        var input = In(x, 0);
        if (min is null && max is null) return [input.alias()];
        return [input.clamp(min is float a ? a : null, max is float b ? b : null)];
    }

    private sealed record Pooling(long[] Kernel, long[] Strides, long[] Pads, long[] Dilations, bool CeilMode);

    private static Pooling PoolingAttributes(OnnxNode n, Tensor input)
    {
        if (input.dim() != 4) throw n.Error($"only 2-D pooling (4-d input) is supported, input is {input.dim()}-d");
        long[] kernel = n.Ints("kernel_shape") ?? throw n.Error("attribute 'kernel_shape' is required");
        long[] strides = n.Ints("strides") ?? [1, 1];
        long[] dilations = n.Ints("dilations") ?? [1, 1];
        if (n.Outputs.Count > 1 && n.Outputs[1].Length > 0) throw n.Error("the Indices output is not supported");
        return new Pooling(kernel, strides, ResolvePads(n, input, kernel, strides, dilations), dilations, n.Int("ceil_mode", 0) != 0);
    }

    /// <summary>Symmetric and at most half the (dilated) kernel: what torch's pooling padding accepts.</summary>
    private static bool TorchPaddable(Pooling p) =>
        p.Pads[0] == p.Pads[2] && p.Pads[1] == p.Pads[3] &&
        p.Pads[0] <= ((p.Kernel[0] - 1) * p.Dilations[0] + 1) / 2 && p.Pads[1] <= ((p.Kernel[1] - 1) * p.Dilations[1] + 1) / 2;

    // MaxPool (opset 12): padding is −∞, so an explicit pad reproduces it when torch's padding cannot.
    private static Tensor[] MaxPool(OnnxNode n, Tensor?[] x, KernelContext _)
    {
        var input = In(x, 0);
        var p = PoolingAttributes(n, input);
        if (n.Int("storage_order", 0) != 0) throw n.Error("storage_order = 1 is not supported");
        if (TorchPaddable(p))
            return [F.max_pool2d(input, p.Kernel, p.Strides, [p.Pads[0], p.Pads[1]], p.Dilations, p.CeilMode)];
        var padded = F.pad(input, [p.Pads[1], p.Pads[3], p.Pads[0], p.Pads[2]], value: double.NegativeInfinity);
        return [F.max_pool2d(padded, p.Kernel, p.Strides, [0, 0], p.Dilations, p.CeilMode)];
    }

    // AveragePool (opset 11): count_include_pad = 0 (default) divides by the number of real pixels in each window.
    private static Tensor[] AveragePool(OnnxNode n, Tensor?[] x, KernelContext _)
    {
        var input = In(x, 0);
        var p = PoolingAttributes(n, input);
        if (p.Dilations.Any(d => d != 1)) throw n.Error("dilated average pooling is not supported");
        bool includePad = n.Int("count_include_pad", 0) != 0;
        if (TorchPaddable(p))
            return [F.avg_pool2d(input, p.Kernel, p.Strides, [p.Pads[0], p.Pads[1]], p.CeilMode, includePad)];
        long[] torchPads = [p.Pads[1], p.Pads[3], p.Pads[0], p.Pads[2]];
        var sum = F.avg_pool2d(F.pad(input, torchPads), p.Kernel, p.Strides, [0, 0], p.CeilMode, count_include_pad: true);
        if (includePad) return [sum];
        // Mean over real pixels = mean over the zero-padded window / fraction of real pixels in it.
        using var ones = torch.ones(1, 1, input.shape[2], input.shape[3], dtype: input.dtype, device: input.device);
        using var fraction = F.avg_pool2d(F.pad(ones, torchPads), p.Kernel, p.Strides, [0, 0], p.CeilMode, count_include_pad: true);
        return [sum / fraction];
    }

    // Concat (opset 13): `axis` is required.
    private static Tensor[] Concat(OnnxNode n, Tensor?[] x, KernelContext _)
    {
        if (!n.HasAttribute("axis")) throw n.Error("attribute 'axis' is required");
        return [torch.cat(x.Select((t, i) => t ?? throw n.Error($"input {i} is missing")).ToArray(), n.Int("axis", 0))];
    }

    // Gemm (opset 13): Y = α·A'·B' + β·C, A' = transA ? Aᵀ : A, B' likewise.
    private static Tensor[] Gemm(OnnxNode n, Tensor?[] x, KernelContext _)
    {
        var a = In(x, 0);
        var b = In(x, 1);
        if (a.dim() != 2 || b.dim() != 2) throw n.Error($"A and B must be 2-d, got {a.dim()}-d and {b.dim()}-d");
        if (n.Int("transA", 0) != 0) a = a.t();
        if (n.Int("transB", 0) != 0) b = b.t();
        float alpha = n.Float("alpha", 1f), beta = n.Float("beta", 1f);
        if (!n.HasInput(2)) return [alpha == 1f ? torch.mm(a, b) : torch.mm(a, b) * alpha];
        return [torch.addmm(In(x, 2), a, b, beta, alpha)];
    }

    // Flatten (opset 13): 2-d output (∏ dims before axis, ∏ dims from axis on); computed from the actual shape, so any batch works.
    private static Tensor[] Flatten(OnnxNode n, Tensor?[] x, KernelContext _)
    {
        var input = In(x, 0);
        long axis = n.Int("axis", 1);
        if (axis < 0) axis += input.dim();
        if (axis < 0 || axis > input.dim()) throw n.Error($"axis {n.Int("axis", 1)} is out of range for a {input.dim()}-d input");
        long outer = input.shape.Take((int)axis).Aggregate(1L, (p, s) => p * s);
        long inner = input.shape.Skip((int)axis).Aggregate(1L, (p, s) => p * s);
        return [input.reshape(outer, inner)];
    }

    /// <summary>
    /// Reshape (opset 14): 0 copies the input's dimension (unless allowzero), −1 is inferred. A leading target
    /// dimension equal to the export batch (PyTorch exports write e.g. [1, 9216]) follows the actual batch, so a
    /// graph exported for batch 1 runs any batch, including a tap's larger one (Ablation-CAM).
    /// </summary>
    private static Tensor[] Reshape(OnnxNode n, Tensor?[] x, KernelContext ctx)
    {
        var input = In(x, 0);
        var shapeTensor = In(x, 1);
        if (shapeTensor.dtype != ScalarType.Int64) throw n.Error($"the shape input must be int64, is {shapeTensor.dtype}");
        long[] shape = shapeTensor.cpu().data<long>().ToArray();
        bool allowZero = n.Int("allowzero", 0) != 0;
        for (int i = 0; i < shape.Length; i++)
            if (shape[i] == 0 && !allowZero)
            {
                if (i >= input.dim()) throw n.Error($"shape entry {i} is 0 (copy) but the input has only {input.dim()} dims");
                shape[i] = input.shape[i];
            }
        if (shape.Length > 1 && input.dim() > 0 && shape[0] > 0 && shape[0] == ctx.ExportBatch && input.shape[0] != shape[0])
            shape[0] = input.shape[0];
        return [input.reshape(shape)];
    }

    // Shape (opset 15): the input's shape as int64, optionally sliced [start, end). Runtime shapes keep Reshape batch-agnostic.
    private static Tensor[] Shape(OnnxNode n, Tensor?[] x, KernelContext _)
    {
        var input = In(x, 0);
        long[] shape = input.shape;
        long start = n.Int("start", 0), end = n.Int("end", shape.Length);
        if (start < 0) start += shape.Length;
        if (end < 0) end += shape.Length;
        start = Math.Clamp(start, 0, shape.Length);
        end = Math.Clamp(end, start, shape.Length);
        return [torch.tensor(shape[(int)start..(int)end], device: input.device)];
    }

    // Gather (opset 13): index_select along `axis`; a scalar index drops that axis (numpy take).
    private static Tensor[] Gather(OnnxNode n, Tensor?[] x, KernelContext _)
    {
        var data = In(x, 0);
        var indices = In(x, 1).to_type(ScalarType.Int64);
        long axis = n.Int("axis", 0);
        if (axis < 0) axis += data.dim();
        long size = data.shape[axis];
        var wrapped = torch.where(indices < 0, indices + size, indices); // negative indices count from the end
        var picked = data.index_select(axis, wrapped.reshape(-1).to(data.device));
        long[] shape = [.. data.shape[..(int)axis], .. indices.shape, .. data.shape[((int)axis + 1)..]];
        return [picked.reshape(shape)];
    }

    /// <summary>Axes of Unsqueeze/Squeeze/ReduceMean: an attribute before the opset given, an optional int64 input from it.</summary>
    private static long[]? Axes(OnnxNode n, Tensor?[] x, long inputFromOpset) =>
        n.Opset < inputFromOpset ? n.Ints("axes") : n.HasInput(1) ? In(x, 1).cpu().to_type(ScalarType.Int64).data<long>().ToArray() : null;

    // Unsqueeze (opset 13): axes refer to the output rank; inserted in ascending order.
    private static Tensor[] Unsqueeze(OnnxNode n, Tensor?[] x, KernelContext _)
    {
        var y = In(x, 0);
        long[] axes = Axes(n, x, 13) ?? throw n.Error("axes are required");
        long rank = y.dim() + axes.Length;
        foreach (long a in axes.Select(a => a < 0 ? a + rank : a).Order()) y = y.unsqueeze(a);
        return [y];
    }

    // Squeeze (opset 13): the given axes (each of size 1), or every size-1 axis when none are given.
    private static Tensor[] Squeeze(OnnxNode n, Tensor?[] x, KernelContext _)
    {
        var input = In(x, 0);
        long[]? axes = Axes(n, x, 13);
        if (axes is null) return [input.squeeze()];
        var keep = new List<long>();
        var drop = axes.Select(a => a < 0 ? a + input.dim() : a).ToHashSet();
        for (long d = 0; d < input.dim(); d++)
        {
            if (!drop.Contains(d)) keep.Add(input.shape[d]);
            else if (input.shape[d] != 1) throw n.Error($"cannot squeeze axis {d} of size {input.shape[d]}");
        }
        return [input.reshape(keep.ToArray())];
    }

    // Transpose (opset 13): default perm reverses the axes.
    private static Tensor[] Transpose(OnnxNode n, Tensor?[] x, KernelContext _)
    {
        var input = In(x, 0);
        long[] perm = n.Ints("perm") ?? Enumerable.Range(0, (int)input.dim()).Reverse().Select(i => (long)i).ToArray();
        return [input.permute(perm)];
    }

    // ReduceMean (axes an attribute before opset 18, an input from 18).
    private static Tensor[] ReduceMean(OnnxNode n, Tensor?[] x, KernelContext _) =>
        Reduce(n, x, 18, (input, axes, keep) => input.mean(axes, keepdim: keep));

    // ReduceSum (axes an attribute before opset 13, an input from 13).
    private static Tensor[] ReduceSum(OnnxNode n, Tensor?[] x, KernelContext _) =>
        Reduce(n, x, 13, (input, axes, keep) => input.sum(axes, keepdim: keep));

    // The ONNX Reduce* rules: keepdims = 1 by default; no axes = all axes unless noop_with_empty_axes (then the input as is).
    private static Tensor[] Reduce(OnnxNode n, Tensor?[] x, int axesInputFrom, Func<Tensor, long[], bool, Tensor> reduce)
    {
        var input = In(x, 0);
        bool keep = n.Int("keepdims", 1) != 0;
        long[]? axes = Axes(n, x, axesInputFrom);
        if (axes is null || axes.Length == 0)
        {
            if (n.Int("noop_with_empty_axes", 0) != 0) return [input.alias()];
            axes = Enumerable.Range(0, (int)input.dim()).Select(i => (long)i).ToArray();
        }
        return [reduce(input, axes, keep)];
    }

    // Div (opset 14): integer inputs divide with truncation (shape arithmetic in exported graphs), floats exactly.
    private static Tensor[] Div(OnnxNode n, Tensor?[] x, KernelContext _)
    {
        var a = In(x, 0);
        var b = In(x, 1);
        // TorchSharp's div with a rounding mode returns float32 even for int64 operands: cast back (ONNX: same type in, out).
        return [a.is_floating_point() || b.is_floating_point() ? a / b : torch.div(a, b, RoundingMode.trunc).to_type(a.dtype)];
    }

    // Gelu (opset 20): x·Φ(x), or its tanh approximation when approximate = "tanh".
    private static Tensor[] Gelu(OnnxNode n, Tensor?[] x, KernelContext _)
    {
        string approximate = n.String("approximate", "none");
        return approximate switch
        {
            "none" => [F.gelu(In(x, 0))],
            "tanh" => [GeluTanh(In(x, 0))],
            _ => throw n.Error($"approximate '{approximate}' is not one of none, tanh"),
        };
    }

    /// <summary>0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), the ONNX Gelu spec's tanh form (Hendrycks &amp; Gimpel 2016).</summary>
    private static Tensor GeluTanh(Tensor x) => x * 0.5 * (1 + ((x + x.pow(3) * 0.044715) * Math.Sqrt(2 / Math.PI)).tanh());

    // LayerNormalization (opset 17): normalise over the axes from `axis` on, then scale and optional bias.
    private static Tensor[] LayerNormalization(OnnxNode n, Tensor?[] x, KernelContext _)
    {
        if (n.Outputs.Skip(1).Any(o => o.Length > 0)) throw n.Error("the Mean and InvStdDev outputs are not supported");
        if (n.Int("stash_type", 1) != 1) throw n.Error("only stash_type = 1 (float) is supported");
        var input = In(x, 0);
        long axis = n.Int("axis", -1);
        if (axis < 0) axis += input.dim();
        if (axis < 0 || axis >= input.dim()) throw n.Error($"axis {n.Int("axis", -1)} is out of range for a {input.dim()}-d input");
        var scale = In(x, 1);
        var bias = n.HasInput(2) ? In(x, 2) : null;
        return [F.layer_norm(input, input.shape[(int)axis..], scale, bias, n.Float("epsilon", 1e-5f))];
    }

    /// <summary>
    /// Slice (opset 13): starts/ends/axes/steps are int64 inputs; out-of-range bounds are clamped as the spec
    /// says (INT64_MAX means "to the end"). Negative steps walk backwards: torch slices only forwards, so the
    /// axis is flipped and the bounds mirrored.
    /// </summary>
    private static Tensor[] Slice(OnnxNode n, Tensor?[] x, KernelContext _)
    {
        var data = In(x, 0);
        long[] starts = Longs(In(x, 1));
        long[] ends = Longs(In(x, 2));
        long[] axes = n.HasInput(3) ? Longs(In(x, 3)) : Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
        long[] steps = n.HasInput(4) ? Longs(In(x, 4)) : Enumerable.Repeat(1L, starts.Length).ToArray();
        if (ends.Length != starts.Length || axes.Length != starts.Length || steps.Length != starts.Length)
            throw n.Error($"starts, ends, axes and steps have different lengths ({starts.Length}, {ends.Length}, {axes.Length}, {steps.Length})");
        var y = data;
        for (int i = 0; i < starts.Length; i++)
        {
            long axis = axes[i] < 0 ? axes[i] + data.dim() : axes[i];
            if (axis < 0 || axis >= data.dim()) throw n.Error($"axis {axes[i]} is out of range for a {data.dim()}-d input");
            long size = y.shape[axis], step = steps[i];
            if (step == 0) throw n.Error("a step of 0 is not allowed");
            long start = starts[i] < 0 ? starts[i] + size : starts[i];
            long end = ends[i] < 0 ? ends[i] + size : ends[i];
            if (step > 0)
            {
                start = Math.Clamp(start, 0, size);
                end = Math.Clamp(end, 0, size);
                y = y.slice(axis, start, Math.Max(start, end), step);
            }
            else
            {
                // Elements start, start+step, … down to (exclusive) end; in the flipped axis index j = size−1−i.
                start = Math.Clamp(start, -1, size - 1);
                end = Math.Clamp(end, -1, size - 1);
                long flippedStart = size - 1 - start, flippedEnd = size - 1 - end;
                y = y.flip(axis).slice(axis, flippedStart, Math.Max(flippedStart, flippedEnd), -step);
            }
        }
        return [y];
    }

    // Expand (opset 13): numpy (bidirectional) broadcasting of the input against the given shape.
    private static Tensor[] Expand(OnnxNode n, Tensor?[] x, KernelContext _)
    {
        var input = In(x, 0);
        long[] target = Longs(In(x, 1));
        int rank = Math.Max((int)input.dim(), target.Length);
        var shape = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            long a = i - (rank - (int)input.dim()) is int ia && ia >= 0 ? input.shape[ia] : 1;
            long b = i - (rank - target.Length) is int ib && ib >= 0 ? target[ib] : 1;
            if (a != b && a != 1 && b != 1) throw n.Error($"shape [{string.Join(",", input.shape)}] cannot be broadcast to [{string.Join(",", target)}]");
            shape[i] = a == 1 ? b : a;
        }
        return [input.expand(shape)];
    }

    // ConstantOfShape (opset 9): a tensor of the given shape filled with `value` (a one-element tensor; default float 0).
    private static Tensor[] ConstantOfShape(OnnxNode n, Tensor?[] x, KernelContext _)
    {
        long[] shape = Longs(In(x, 0));
        if (n.TensorAttribute("value") is not global::Onnx.TensorProto proto) return [torch.zeros(shape, device: In(x, 0).device)];
        using var value = OnnxTensors.ToTensor(proto, ".", n.File);
        if (value.numel() != 1) throw n.Error($"value must have one element, has {value.numel()}");
        return [value.reshape(Array.Empty<long>()).expand(shape).clone().to(In(x, 0).device)];
    }

    // Split (opset 13 and 18): by the optional `split` input (13) / attribute (before 13), else into num_outputs equal parts.
    private static Tensor[] Split(OnnxNode n, Tensor?[] x, KernelContext _)
    {
        var input = In(x, 0);
        long axis = n.Int("axis", 0);
        if (axis < 0) axis += input.dim();
        long[]? sizes = n.Opset < 13 ? n.Ints("split") : n.HasInput(1) ? Longs(In(x, 1)) : null;
        if (sizes is null)
        {
            long parts = n.Outputs.Count;
            long size = input.shape[axis];
            long chunk = (size + parts - 1) / parts; // opset 18: the last chunk is smaller when not divisible
            sizes = Enumerable.Range(0, (int)parts).Select(i => Math.Min(chunk, size - i * chunk)).ToArray();
        }
        if (sizes.Sum() != input.shape[axis]) throw n.Error($"split sizes [{string.Join(",", sizes)}] do not add up to axis {axis} of size {input.shape[axis]}");
        return input.split(sizes, axis);
    }

    private static long[] Longs(Tensor t) => t.cpu().to_type(ScalarType.Int64).reshape(-1).data<long>().ToArray();

    // Cast (opset 13) to the types the interpreter computes with.
    private static Tensor[] Cast(OnnxNode n, Tensor?[] x, KernelContext _)
    {
        long to = n.Int("to", -1);
        ScalarType type = (global::Onnx.TensorProto.Types.DataType)to switch
        {
            global::Onnx.TensorProto.Types.DataType.Float or global::Onnx.TensorProto.Types.DataType.Double => ScalarType.Float32,
            global::Onnx.TensorProto.Types.DataType.Int64 => ScalarType.Int64,
            global::Onnx.TensorProto.Types.DataType.Int32 => ScalarType.Int32,
            global::Onnx.TensorProto.Types.DataType.Bool => ScalarType.Bool,
            _ => throw n.Error($"cast to data type {to} is not supported (Float, Double, Int64, Int32, Bool)"),
        };
        return [In(x, 0).to_type(type)];
    }

    // Dropout (opset 13) in inference is the identity; the optional mask output is all true.
    private static Tensor[] Dropout(OnnxNode n, Tensor?[] x, KernelContext _)
    {
        if (n.HasInput(2) && In(x, 2).ToBoolean()) throw n.Error("training_mode = true is not supported (inference only)");
        var input = In(x, 0);
        return n.Outputs.Count > 1 && n.Outputs[1].Length > 0
            ? [input.alias(), torch.ones_like(input, dtype: ScalarType.Bool)]
            : [input.alias()];
    }

    /// <summary>
    /// Softmax / LogSoftmax: from opset 13 along `axis` (default −1); before, the input is seen as 2-d
    /// (∏ dims before axis) × (∏ dims from axis on), axis default 1, and normalised along the second.
    /// </summary>
    private static Tensor SoftmaxLike(OnnxNode n, Tensor input, bool log)
    {
        if (n.Opset >= 13)
        {
            long axis = n.Int("axis", -1);
            return log ? F.log_softmax(input, axis) : F.softmax(input, axis);
        }
        long a = n.Int("axis", 1);
        if (a < 0) a += input.dim();
        long outer = input.shape.Take((int)a).Aggregate(1L, (p, s) => p * s);
        var flat = input.reshape(outer, -1);
        var y = log ? F.log_softmax(flat, 1) : F.softmax(flat, 1);
        return y.reshape(input.shape);
    }

    /// <summary>
    /// Pad: pads/value are attributes before opset 11, inputs from opset 11 (axes from 18). ONNX orders pads
    /// [x1_begin, x2_begin, …, x1_end, x2_end]; torch wants (last_begin, last_end, previous_begin, …).
    /// Modes constant, reflect, edge (torch replicate), wrap (torch circular).
    /// </summary>
    private static Tensor[] Pad(OnnxNode n, Tensor?[] x, KernelContext _)
    {
        var input = In(x, 0);
        long rank = input.dim();
        long[] pads;
        double value;
        long[] axes;
        if (n.Opset < 11)
        {
            pads = n.Ints("pads") ?? throw n.Error("attribute 'pads' is required");
            value = n.Float("value", 0f);
            axes = Enumerable.Range(0, (int)rank).Select(i => (long)i).ToArray();
        }
        else
        {
            pads = In(x, 1).cpu().data<long>().ToArray();
            value = n.HasInput(2) ? In(x, 2).ToDouble() : 0.0;
            axes = n.HasInput(3)
                ? In(x, 3).cpu().to_type(ScalarType.Int64).data<long>().Select(a => a < 0 ? a + rank : a).ToArray()
                : Enumerable.Range(0, (int)rank).Select(i => (long)i).ToArray();
        }
        if (pads.Length != 2 * axes.Length) throw n.Error($"pads has {pads.Length} entries for {axes.Length} axes");
        var begin = new long[rank];
        var end = new long[rank];
        for (int i = 0; i < axes.Length; i++) { begin[axes[i]] = pads[i]; end[axes[i]] = pads[i + axes.Length]; }
        int first = Enumerable.Range(0, (int)rank).FirstOrDefault(d => begin[d] != 0 || end[d] != 0, (int)rank);
        if (first == rank) return [input.alias()];
        string mode = n.String("mode", "constant");
        PaddingModes torchMode = mode switch
        {
            "constant" => PaddingModes.Constant,
            "reflect" => PaddingModes.Reflect,
            "edge" => PaddingModes.Replicate,
            "wrap" => PaddingModes.Circular,
            _ => throw n.Error($"mode '{mode}' is not one of constant, reflect, edge, wrap"),
        };
        if (torchMode != PaddingModes.Constant)
        {
            // torch pads 3-/4-d inputs in these modes only as 2-d (rank − 2 trailing dims, pads for both given).
            if (first < rank - 2 || rank < 3) throw n.Error($"mode '{mode}' can pad only the last two dims of a 3- or 4-d input (torch)");
            first = (int)rank - 2;
        }
        var torchPads = new List<long>();
        for (long d = rank - 1; d >= first; d--) { torchPads.Add(begin[d]); torchPads.Add(end[d]); }
        return [torchMode == PaddingModes.Constant ? F.pad(input, torchPads.ToArray(), torchMode, value) : F.pad(input, torchPads.ToArray(), torchMode)];
    }
}
