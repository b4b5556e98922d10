using static TorchSharp.torch;

namespace GuidedCam.Core;

/// <summary>
/// A classifier seen through an object that changes how its forward runs (counting passes, reshaping a
/// token layer) and passes everything else on to <see cref="Inner"/>; the view says whether it owns the
/// model it wraps through its <see cref="Dispose"/>.
/// </summary>
public abstract class ClassifierView(IClassifier inner) : IClassifier
{
    public IClassifier Inner => inner;

    public string Name => inner.Name;
    public int NumClasses => inner.NumClasses;
    public string LabelSpace => inner.LabelSpace;
    public string DefaultTargetLayer => inner.DefaultTargetLayer;
    public IReadOnlyList<string> LayerNames => inner.LayerNames;
    public Device Device => inner.Device;
    public IReadOnlyList<BiasLayer> BiasLayers() => inner.BiasLayers();

    public abstract Tensor Forward(Tensor input, IReadOnlyList<LayerTap>? taps = null);

    public abstract void Dispose();
}
