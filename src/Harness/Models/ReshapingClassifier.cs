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
public sealed class ReshapingClassifier : ClassifierView
{
    private readonly bool _ownsInner;

    public ReshapingClassifier(IClassifier inner, TokenReshape reshape, string? layer = null) : this(inner, reshape, layer, ownsInner: true) { }

    private ReshapingClassifier(IClassifier inner, TokenReshape reshape, string? layer, bool ownsInner) : base(inner)
    {
        _ownsInner = ownsInner;
        Reshape = reshape;
        ReshapedLayer = layer ?? inner.DefaultTargetLayer;
        inner.RequireLayer(ReshapedLayer);
    }

    public TokenReshape Reshape { get; }
    public string ReshapedLayer { get; }

    public override Tensor Forward(Tensor input, IReadOnlyList<LayerTap>? taps = null)
    {
        if (taps is null || taps.All(t => t.Layer != ReshapedLayer)) return Inner.Forward(input, taps);
        var wrapped = taps.Select(t => t.Layer != ReshapedLayer ? t : new LayerTap(t.Layer, output =>
        {
            var replacement = t.OnOutput(Reshape.ToMaps(output, ReshapedLayer));
            return replacement is null ? null : Reshape.FromMaps(replacement, output);
        })).ToList();
        return Inner.Forward(input, wrapped);
    }

    /// <summary>A randomised copy of the inner model is seen through the same reshape (model randomisation on a ViT).</summary>
    public override bool CarriesOver => true;

    /// <summary>The view over <paramref name="other"/> does not own it: the copy belongs to whoever made it.</summary>
    public override ClassifierView Over(IClassifier other) => new ReshapingClassifier(other, Reshape, ReshapedLayer, ownsInner: false);

    /// <summary>The decorated model belongs to this view (the loader hands only the view on), except in a view made by <see cref="Over"/>.</summary>
    public override void Dispose()
    {
        if (_ownsInner) Inner.Dispose();
    }
}
