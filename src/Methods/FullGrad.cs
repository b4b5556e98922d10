using GuidedCam.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Methods;

/// <summary>
/// FullGrad (Srinivas &amp; Fleuret 2019, Eq. 6), as pytorch-grad-cam fullgrad_cam.py computes it:
/// the sum, over every channel, of |x ⊙ ∂f_c/∂x| (3 input channels) and of |b_l ⊙ g_l| for every
/// layer l with a per-channel bias (<see cref="IClassifier.BiasLayers"/>: Conv2d bias, batch-norm
/// β − μ·γ/√(σ²+ε)), where g_l = ∂f_c/∂(output of l). Each channel is min-max normalised on its own
/// (eps 1e-7, no ReLU: the values are absolute already) and resized to H×W (after the channel sum,
/// see ChannelMaps) and all are summed; then
/// only steps 5–6 of the shared post-processing. It ignores the target layer, so it is not a
/// <see cref="CamMethod"/> and has no low-resolution map.
///
/// Capture: the input is a leaf that requires grad; a tap on each bias layer keeps the layer's
/// output (taken out of the network's dispose scopes) and hands the network a clone, so a following
/// in-place op (ResNet's ReLU(inplace) after bn1, add_ after bn2) modifies the clone and the gradient
/// with respect to the kept tensor is the gradient of the layer's output before that op — what the
/// reference's tensor hooks, registered before the in-place op, receive. One forward and one backward
/// (autograd.grad on the input and every kept output at once).
/// A layer called twice in one forward keeps its last call (pytorch-grad-cam would register two hooks).
/// </summary>
public sealed class FullGrad : ISaliencyMethod
{
    public FullGrad(IReadOnlyDictionary<string, string>? options = null)
    {
        Options = OptionResolver.Resolve(Id, Array.Empty<OptionSpec>(), options);
    }

    public string Id => "fullgrad";
    public string DisplayName => "FullGrad (Srinivas & Fleuret 2019)";
    public IReadOnlyDictionary<string, string> Options { get; }
    public bool IsBaseline => false;
    public MethodFamily Family => MethodFamily.Gradient;
    public MethodNeeds Needs => MethodNeeds.Gradients;
    /// <summary>One forward with every bias layer tapped and one backward to the input.</summary>
    public PassCost Cost(int channels) => new(1, 1);

    public SaliencyResult Explain(SaliencyRequest request)
    {
        using var scope = torch.NewDisposeScope();
        var model = request.Model;
        if (request.Targets.Length != request.Input.shape[0])
            throw new ArgumentException($"{request.Targets.Length} targets for a batch of {request.Input.shape[0]}");
        long height = request.Input.shape[2], width = request.Input.shape[3];
        var biasLayers = model.BiasLayers();
        var kept = new Dictionary<string, Tensor>();
        var taps = biasLayers.Select(b => new LayerTap(b.Layer, output =>
        {
            if (kept.Remove(b.Layer, out var previous)) previous.Dispose();
            kept[b.Layer] = output.DetachFromDisposeScope();
            return output.clone();
        })).ToArray();
        try
        {
            Tensor sum;
            using (torch.enable_grad())
            {
                var input = request.Input.detach().clone().requires_grad_(true);
                var logits = model.Forward(input, taps);
                using var idx = torch.tensor(request.Targets, dtype: ScalarType.Int64, device: logits.device).unsqueeze(1);
                var score = logits.gather(1, idx).sum();
                if (!score.requires_grad)
                    throw new InvalidOperationException($"the target score of model '{model.Name}' does not depend on its input");
                var missing = biasLayers.Where(b => !kept.TryGetValue(b.Layer, out var t) || !t.requires_grad).Select(b => b.Layer).ToArray();
                if (missing.Length > 0)
                    throw new InvalidOperationException($"bias layers of model '{model.Name}' that did not run or do not depend on the input: {string.Join(", ", missing)}");
                var wrt = new List<Tensor> { input };
                wrt.AddRange(biasLayers.Select(b => kept[b.Layer]));
                var grads = CountingClassifier.Gradients(model, score, wrt, request.Input.shape[0]);
                using (torch.no_grad())
                {
                    // |x ⊙ ∂f/∂x|: already H×W, per-channel min-max only.
                    sum = ChannelMaps((input.detach() * grads[0]).abs(), height, width);
                    for (int l = 0; l < biasLayers.Count; l++)
                    {
                        using var layerScope = torch.NewDisposeScope();
                        var bias = biasLayers[l].Bias.to(grads[l + 1].device).reshape(1, -1, 1, 1);
                        sum.add_(ChannelMaps((bias * grads[l + 1]).abs(), height, width));
                    }
                }
            }
            var maps = SaliencyPostProcessing.Finish(sum.detach().to(ScalarType.Float32));
            return new SaliencyResult
            {
                Maps = scope.MoveToOuter(maps),
                LowRes = null,
                ConstantMaps = SaliencyPostProcessing.CountConstant(maps),
                ForwardPasses = 1,
                BackwardPasses = 1,
            };
        }
        finally
        {
            foreach (var t in kept.Values) t.Dispose();
        }
    }

    /// <summary>
    /// N×C×h×w → N×H×W: each channel min-max normalised (eps 1e-7), summed over channels, resized.
    /// The reference (scale_accross_batch_and_channels) resizes each channel and then sums; bilinear
    /// resizing is linear, so summing first gives the same map up to float rounding at a fraction of
    /// the cost (ResNet-18 has 4,800 bias channels; at 224×224 that is 1 GB per image the other way).
    /// </summary>
    private static Tensor ChannelMaps(Tensor t, long height, long width)
    {
        long n = t.shape[0], c = t.shape[1];
        var scaled = SaliencyPostProcessing.MinMax(t.reshape(n * c, t.shape[2], t.shape[3]));
        var summed = scaled.reshape(n, c, t.shape[2], t.shape[3]).sum(1);
        return SaliencyPostProcessing.Resize(summed, height, width);
    }
}
