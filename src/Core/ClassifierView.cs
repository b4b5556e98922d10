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

    /// <summary>
    /// The same view over another model (a randomised copy of <see cref="Inner"/>), or null when the view
    /// cannot be carried over. Counting and fixed-batch views carry over, so a copy's passes are counted and
    /// shaped like the original's.
    /// </summary>
    public virtual ClassifierView? Over(IClassifier other) => null;

    /// <summary>True when <see cref="Over"/> gives a view (views that only count or shape the forward).</summary>
    public virtual bool CarriesOver => false;

    public abstract void Dispose();

    /// <summary>
    /// The first <typeparamref name="T"/> under the views of <paramref name="model"/> that can be carried
    /// over, and the function that puts those views over another model; (null, identity) when there is none.
    /// </summary>
    public static (T? Found, Func<IClassifier, IClassifier> Rewrap) Find<T>(IClassifier model) where T : class
    {
        if (model is T found) return (found, m => m);
        if (model is ClassifierView { CarriesOver: true } view)
        {
            var (inner, rewrap) = Find<T>(view.Inner);
            return (inner, m => view.Over(rewrap(m))!);
        }
        return (null, m => m);
    }
}
