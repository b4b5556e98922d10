using System.Diagnostics;
using GuidedCam.Core;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Running;

/// <summary>
/// A classifier that counts what passes through it: images forwarded (rows of every input batch, so a
/// batch of 16 counts 16) and the time spent inside forwards. The runner hands it to methods and metrics
/// so run.log can report what a run actually spent next to what the plan estimated. When the wrapped
/// model can be randomised, so can the counter: its randomised copies (model randomisation) are counted
/// here too.
/// </summary>
public sealed class PassCounter : IRandomizableClassifier
{
    private readonly Stopwatch _forwardTime = new();
    private readonly IClassifier inner;
    private readonly PassCounter? _parent;

    public PassCounter(IClassifier inner) => this.inner = inner;

    private PassCounter(IClassifier copy, PassCounter parent)
    {
        inner = copy;
        _parent = parent;
    }

    public long ImagesForwarded { get; private set; }
    public TimeSpan ForwardTime => _forwardTime.Elapsed;

    public string Name => inner.Name;
    public int NumClasses => inner.NumClasses;
    public string LabelSpace => inner.LabelSpace;
    public string DefaultTargetLayer => inner.DefaultTargetLayer;
    public IReadOnlyList<string> LayerNames => inner.LayerNames;
    public Device Device => inner.Device;

    public Tensor Forward(Tensor input, IReadOnlyList<LayerTap>? taps = null)
    {
        var counter = _parent ?? this;
        counter.ImagesForwarded += input.shape[0];
        counter._forwardTime.Start();
        try { return inner.Forward(input, taps); }
        finally { counter._forwardTime.Stop(); }
    }

    public IReadOnlyList<string> ParameterizedLayers => (inner as IRandomizableClassifier)?.ParameterizedLayers ?? Array.Empty<string>();
    public long ParameterCount => (inner as IRandomizableClassifier)?.ParameterCount ?? 0;

    /// <summary>A counted randomised copy; disposing it disposes the copy (never the wrapped model).</summary>
    public IClassifier Randomized(IReadOnlyList<int> layers, int seed) =>
        inner is IRandomizableClassifier r ? new PassCounter(r.Randomized(layers, seed), this)
            : throw new NotSupportedException($"model '{Name}' cannot be randomised");

    public IReadOnlyList<BiasLayer> BiasLayers() => inner.BiasLayers();

    /// <summary>The wrapped classifier belongs to its <see cref="RunModel"/>; a counter owns only a randomised copy it made.</summary>
    public void Dispose()
    {
        if (_parent is not null) inner.Dispose();
    }
}
