using GuidedCam.Core;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Models;

/// <summary>
/// A classifier whose token layer is seen as feature maps: every tap on <see cref="ReshapedLayer"/> gets
/// the layer's output through <see cref="TokenReshape.ToMaps"/> and its replacement goes back through
/// <see cref="TokenReshape.FromMaps"/>. Captures, Score-CAM masks and Ablation-CAM's ablated copies then
/// work on N×C×H×W exactly as on a CNN layer, with activations and gradients both in map layout
/// (pytorch-grad-cam applies its reshape_transform to both). Other layers are tapped unchanged.
/// </summary>
public sealed class ReshapingClassifier : IClassifier
{
    private readonly IClassifier _inner;

    public ReshapingClassifier(IClassifier inner, TokenReshape reshape, string? layer = null)
    {
        _inner = inner;
        Reshape = reshape;
        ReshapedLayer = layer ?? inner.DefaultTargetLayer;
        inner.RequireLayer(ReshapedLayer);
    }

    public TokenReshape Reshape { get; }
    public string ReshapedLayer { get; }
    public IClassifier Inner => _inner;

    public string Name => _inner.Name;
    public int NumClasses => _inner.NumClasses;
    public string LabelSpace => _inner.LabelSpace;
    public string DefaultTargetLayer => _inner.DefaultTargetLayer;
    public IReadOnlyList<string> LayerNames => _inner.LayerNames;
    public Device Device => _inner.Device;

    public Tensor Forward(Tensor input, IReadOnlyList<LayerTap>? taps = null)
    {
        if (taps is null || taps.All(t => t.Layer != ReshapedLayer)) return _inner.Forward(input, taps);
        var wrapped = taps.Select(t => t.Layer != ReshapedLayer ? t : new LayerTap(t.Layer, output =>
        {
            var replacement = t.OnOutput(Reshape.ToMaps(output, ReshapedLayer));
            return replacement is null ? null : Reshape.FromMaps(replacement, output);
        })).ToList();
        return _inner.Forward(input, wrapped);
    }

    public IReadOnlyList<BiasLayer> BiasLayers() => _inner.BiasLayers();

    public void Dispose() => _inner.Dispose();
}
