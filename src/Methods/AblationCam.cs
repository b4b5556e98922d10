using GuidedCam.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Methods;

/// <summary>
/// Ablation-CAM (Desai &amp; Ramaswamy 2020), gradient-free: w_k = (y − y_k)/y, where y = f(x)_c is
/// the target logit and y_k the logit with channel k of the target layer ablated; raw = Σ_k w_k A_k.
///
/// Only the part of the network after the target layer is re-run on the ablations: a <see cref="LayerTap"/>
/// on the target layer replaces the layer's output (1×K×h×w, the sample forwarded at batch 1) by a
/// chunk of B ablated copies of it, so the rest of the net runs on B copies. The part before the layer
/// is run once per chunk at batch 1: N·⌈K/batch-size⌉ prefix runs per batch (16 for one ResNet-18
/// image at K = 512 and the default 32), each counted as a forward pass. pytorch-grad-cam
/// (ablation_cam.py) runs the whole network on B copies of the input instead; the numbers are the same.
///
/// Ablation value, option `ablation-value`:
/// - `zero` (default): the channel is set to 0, what pytorch-grad-cam's CNN AblationLayer does on the
///   post-ReLU layers CAM methods target (its rule gives 0 whenever min(A) = 0). On a signed layer (a
///   transformer's LayerNorm output, roughly zero-mean per token) 0 is the channel's typical value rather
///   than "off", which makes the ablation mild; we keep 0 there too so that the value does not depend on
///   the rest of the batch, and say so in results through the option.
/// - `min`: min(A) − 1e7, the value pytorch-grad-cam uses when min(A) ≠ 0 (ablation_layer.py, and its
///   AblationLayerVit for token layers): far below anything the layer produces, so the channel is "off"
///   whatever its sign. The minimum is the sample's own. Deviation, on purpose: the reference re-reads
///   the minimum after each ablation inside a chunk, so its j-th copy gets min − (j+1)·1e7 and the result
///   depends on the batch size; we use min − 1e7 for every channel.
/// On a token layer seen through a reshape, the ablated channel is the patch tokens' channel; the class
/// token is left as it is (AblationLayerVit also overwrites it).
/// </summary>
public sealed class AblationCam : CamMethod
{
    private readonly int _batchSize;
    private readonly bool _ablateToMin;

    /// <summary>Options are checked here, so a bad `batch-size` fails when the run is planned, not mid-run.</summary>
    public AblationCam(IReadOnlyDictionary<string, string>? options = null) : base(options)
    {
        _batchSize = Options.GetInt(Id, "batch-size", min: 1);
        _ablateToMin = Options["ablation-value"] == "min";
    }

    public const double AblationOffset = 1e7;

    public override string Id => "ablationcam";
    public override string DisplayName => "Ablation-CAM (Desai & Ramaswamy 2020)";
    public override MethodFamily Family => MethodFamily.Perturbation;
    /// <summary>
    /// The capture forward, then ⌈K / batch-size⌉ runs of the network up to the layer at batch 1 (each
    /// feeding a chunk of ablated copies to the layers after it, which are not whole-image forwards).
    /// </summary>
    public override PassCost Cost(int channels) => new(1 + (channels + _batchSize - 1) / _batchSize, 0);
    protected override bool NeedsGradients => false;

    public override IReadOnlyList<OptionSpec> DeclaredOptions { get; } = new[]
    {
        new OptionSpec("batch-size", "32", "ablated copies per re-run of the network after the target layer (speed/memory; the maps follow it at float rounding, ~1e-6 relative: docs/spec/determinism.md)"),
        new OptionSpec("ablation-value", "zero", "what an ablated channel is set to: zero (0, post-ReLU layers) or min (min(A) − 1e7, off whatever the sign)", ["zero", "min"]),
    };

    protected override Tensor ComputeRaw(CamContext ctx)
    {
        var a = ctx.Activations;
        var request = ctx.Request;
        long n = a.shape[0], k = a.shape[1];
        var ablatedScores = torch.empty(n, k, dtype: ScalarType.Float32, device: a.device);
        for (long s = 0; s < n; s++)
        {
            var sample = request.Input.narrow(0, s, 1);
            long target = request.Targets[s];
            for (long k0 = 0; k0 < k; k0 += _batchSize)
            {
                using var chunkScope = torch.NewDisposeScope();
                long count = Math.Min(_batchSize, k - k0);
                Tensor? ablated = null;
                var tap = new LayerTap(request.ResolvedLayer, output =>
                {
                    ablated = Ablate(output, k0, count, _ablateToMin);
                    // An alias: the network may dispose what it is handed (Sequential does); our handle stays valid.
                    return ablated.alias();
                });
                var logits = request.Model.Forward(sample, new[] { tap });
                ctx.ExtraForwardPasses++;
                if (ablated is null)
                    throw new InvalidOperationException($"layer '{request.ResolvedLayer}' of model '{request.Model.Name}' did not run during the forward pass");
                if (logits.shape[0] != count)
                    throw new InvalidOperationException($"model '{request.Model.Name}' gave {logits.shape[0]} rows for {count} ablated copies: the part after layer '{request.ResolvedLayer}' must keep the batch dimension (a skip connection around the layer breaks this)");
                ablatedScores[s].narrow(0, k0, count).copy_(logits.select(1, target).to(ScalarType.Float32));
            }
        }
        var y = ctx.Logits.gather(1, torch.tensor(request.Targets, dtype: ScalarType.Int64, device: ctx.Logits.device).unsqueeze(1)).to(ScalarType.Float32);
        var weights = (y - ablatedScores) / y;
        return WeightedSum(weights, a);
    }

    /// <summary>count copies of the 1×K×h×w output; copy j has channel k0 + j set to the ablation value.</summary>
    private static Tensor Ablate(Tensor output, long k0, long count, bool toMin)
    {
        var sample = output.detach();
        long k = sample.shape[1];
        double value = toMin ? sample.min().to(ScalarType.Float64).item<double>() - AblationOffset : 0;
        var channels = torch.arange(k0, k0 + count, dtype: ScalarType.Int64, device: sample.device);
        var mask = nn.functional.one_hot(channels, k).to(ScalarType.Bool).reshape(count, k, 1, 1);
        var copies = sample.expand(count, -1, -1, -1);
        return torch.where(mask, torch.full_like(copies, value), copies);
    }
}
