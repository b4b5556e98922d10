using GuidedCam.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Methods;

/// <summary>
/// Score-CAM (Wang et al. 2020), gradient-free: every channel k becomes a mask M_k = minmax(U_k) of
/// A_k upsampled to the input size (bilinear, align_corners = true, as torch.nn.UpsamplingBilinear2d
/// in pytorch-grad-cam score_cam.py; min-max eps 1e-8); s_k = f(x ⊙ M_k)_c is the raw target logit;
/// w = softmax_k(s); raw = Σ_k w_k A_k.
/// Cost: the K masked copies of each sample are forwarded in chunks of `batch-size`, i.e.
/// N·⌈K/batch-size⌉ extra forward passes. Masks are built chunk by chunk, never all at once
/// (N·K·H·W floats would be gigabytes at K = 512).
/// </summary>
public sealed class ScoreCam : CamMethod
{
    private readonly int _batchSize;

    /// <summary>Options are checked here, so a bad `batch-size` fails when the run is planned, not mid-run.</summary>
    public ScoreCam(IReadOnlyDictionary<string, string>? options = null) : base(options)
    {
        _batchSize = Options.GetInt(Id, "batch-size", min: 1);
    }

    public override string Id => "scorecam";
    public override string DisplayName => "Score-CAM (Wang et al. 2020)";
    public override MethodFamily Family => MethodFamily.Perturbation;
    /// <summary>The capture forward, then one forward per masked copy: K per image.</summary>
    public override PassCost Cost(int channels) => new(1 + channels, 0);
    protected override bool NeedsGradients => false;

    public override IReadOnlyList<OptionSpec> DeclaredOptions { get; } = new[]
    {
        new OptionSpec("batch-size", "32", "masked inputs per forward pass (speed/memory only; the map does not depend on it)"),
    };

    protected override Tensor ComputeRaw(CamContext ctx)
    {
        var a = ctx.Activations;
        var x = ctx.Request.Input;
        long n = a.shape[0], k = a.shape[1];
        long height = x.shape[2], width = x.shape[3];
        var scores = torch.empty(n, k, dtype: ScalarType.Float32, device: a.device);
        for (long s = 0; s < n; s++)
        {
            var sample = x.narrow(0, s, 1);
            long target = ctx.Request.Targets[s];
            for (long k0 = 0; k0 < k; k0 += _batchSize)
            {
                using var chunkScope = torch.NewDisposeScope();
                long count = Math.Min(_batchSize, k - k0);
                // Each channel upsampled on its own (B × 1 × h × w, channels as the batch): the interpolation's
                // vector kernels treat a tail of channels differently, so upsampling B channels together gave
                // masks that depended on B, and so on the batch-size option (docs/spec/determinism.md).
                var channels = a.narrow(0, s, 1).narrow(1, k0, count).transpose(0, 1);         // B × 1 × h × w
                var up = torch.cat(Enumerable.Range(0, (int)count).Select(c =>
                    nn.functional.interpolate(channels.narrow(0, c, 1), new long[] { height, width }, mode: InterpolationMode.Bilinear, align_corners: true)).ToArray(), 0);
                var flat = up.reshape(count, -1);
                var min = flat.min(1).values.reshape(count, 1, 1, 1);
                var max = flat.max(1).values.reshape(count, 1, 1, 1);
                var masks = (up - min) / (max - min + 1e-8);
                var logits = ctx.Request.Model.Forward(sample * masks);
                ctx.ExtraForwardPasses++;
                scores[s].narrow(0, k0, count).copy_(logits.select(1, target).to(ScalarType.Float32));
            }
        }
        var weights = torch.softmax(scores, 1);
        return WeightedSum(weights, a);
    }
}
