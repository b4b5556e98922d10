using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Core;

/// <summary>
/// A view that runs every gradient-free, untapped forward in chunks of exactly <see cref="Rows"/> images,
/// the last chunk padded with zero images whose outputs are dropped. A convolution's result for an
/// image depends on the batch's shape (libtorch and ONNX Runtime choose their kernels and blocking by
/// it, and so the float reduction order), so without this a value would depend on which other items
/// share its batch, on where a shard's short last batch falls and on what a resumed run still lacks.
/// With it, every such forward has one shape and a value is the same sharded, resumed or batched
/// otherwise (docs/spec/determinism.md). Forwards with taps (captures, Ablation-CAM's re-runs after the
/// layer, FullGrad) pass through unchanged: their callers give them one image at a time, a shape that
/// is likewise fixed. It does not own the wrapped model.
/// </summary>
public sealed class FixedBatchClassifier : ClassifierView
{
    public FixedBatchClassifier(IClassifier inner, int rows) : base(inner)
    {
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rows), rows, "a forward chunk holds at least one image");
        Rows = rows;
    }

    /// <summary>Images per forward call.</summary>
    public int Rows { get; }

    public override Tensor Forward(Tensor input, IReadOnlyList<LayerTap>? taps = null)
    {
        if (taps is { Count: > 0 }) return Inner.Forward(input, taps);
        long n = input.shape[0];
        if (n == Rows) return Inner.Forward(input);
        using var scope = torch.NewDisposeScope();
        var parts = new List<Tensor>();
        for (long start = 0; start < n; start += Rows)
        {
            long count = Math.Min(Rows, n - start);
            var chunk = input.narrow(0, start, count);
            if (count < Rows)
            {
                var shape = input.shape.ToArray();
                shape[0] = Rows - count;
                chunk = torch.cat(new[] { chunk, torch.zeros(shape, dtype: input.dtype, device: input.device) }, 0);
            }
            parts.Add(Inner.Forward(chunk).narrow(0, 0, count));
        }
        return scope.MoveToOuter(parts.Count == 1 ? parts[0] : torch.cat(parts, 0));
    }

    public override bool CarriesOver => true;

    public override ClassifierView Over(IClassifier other) => new FixedBatchClassifier(other, Rows);

    /// <summary>A view owns nothing: the wrapped model is disposed by whoever created it.</summary>
    public override void Dispose() { }
}
