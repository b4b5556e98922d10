using static TorchSharp.torch;

namespace GuidedCam.Core;

/// <summary>
/// A tap on a named layer during one forward pass. <see cref="OnOutput"/> sees the layer's output and
/// returns the tensor the rest of the network should use instead (or null to keep it). Replacing is
/// how captures work without tensor hooks (TorchSharp has none) and how Ablation-CAM re-runs only the
/// part of the network after the target layer (return a K-times larger batch).
/// </summary>
public sealed record LayerTap(string Layer, Func<Tensor, Tensor?> OnOutput);

/// <summary>A layer with a per-channel bias, for FullGrad: b = conv bias, or β − μ·γ/√(σ²+ε) for batch norm.</summary>
public sealed record BiasLayer(string Layer, Tensor Bias);

/// <summary>
/// An image classifier as GuidedCam sees it: raw class scores (logits) from a normalised NCHW
/// batch, with named layers that can be tapped. Implementations: <see cref="ModuleClassifier"/> for
/// TorchSharp modules (built-in CNN, TorchVision architectures) and the ONNX graph importer.
/// Parameters are frozen (requires_grad = false): GuidedCam never needs parameter gradients, and a
/// backward without them costs about a third (docs/torchsharp.md).
/// </summary>
public interface IClassifier : IDisposable
{
    string Name { get; }
    int NumClasses { get; }
    /// <summary>Label space id: imagenet1k, voc20, coco80, synthetic6, …</summary>
    string LabelSpace { get; }
    string DefaultTargetLayer { get; }
    /// <summary>Every layer name a tap can use, in forward order.</summary>
    IReadOnlyList<string> LayerNames { get; }
    Device Device { get; }
    /// <summary>Logits N × NumClasses. Taps fire in forward order; unknown layer names are an error.</summary>
    Tensor Forward(Tensor input, IReadOnlyList<LayerTap>? taps = null);
    /// <summary>Every layer with a per-channel bias (Conv2d with bias, BatchNorm2d), for FullGrad.</summary>
    IReadOnlyList<BiasLayer> BiasLayers();
}

public static class ClassifierExtensions
{
    /// <summary>Throws a clear error listing valid layer names when <paramref name="layer"/> does not exist.</summary>
    public static void RequireLayer(this IClassifier model, string layer)
    {
        if (model.LayerNames.Contains(layer)) return;
        throw new ArgumentException($"model '{model.Name}' has no layer '{layer}'. Valid layer names: {LayerList(model.LayerNames)}");
    }

    /// <summary>
    /// The top-1 class of each row of N × C logits, by a rule no float noise decides: the largest float32
    /// logit (the precision the journal keeps them in), and of equal ones the lowest class index. NaN never wins.
    /// </summary>
    public static long[] Top1(Tensor logits)
    {
        using var l = logits.detach().cpu().to(ScalarType.Float32).contiguous();
        long n = l.shape[0], c = l.shape[1];
        var values = l.data<float>().ToArray();
        var top1 = new long[n];
        for (long i = 0; i < n; i++)
        {
            long offset = i * c, best = 0;
            for (long j = 1; j < c; j++)
                if (values[offset + j] > values[offset + best] || float.IsNaN(values[offset + best])) best = j;
            top1[i] = best;
        }
        return top1;
    }

    /// <summary>Every layer name, however many: a shortened list hides exactly the one the user is looking for.</summary>
    public static string LayerList(IEnumerable<string> names) => string.Join(", ", names);
}
