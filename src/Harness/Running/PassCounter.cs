using System.Diagnostics;
using GuidedCam.Core;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Running;

/// <summary>
/// A classifier that counts what passes through it: images forwarded (rows of every input batch, so a
/// batch of 16 counts 16) and the time spent inside forwards. The runner hands it to methods and metrics
/// so run.log can report what a run actually spent next to what the plan estimated.
/// </summary>
public sealed class PassCounter(IClassifier inner) : IClassifier
{
    private readonly Stopwatch _forwardTime = new();

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
        ImagesForwarded += input.shape[0];
        _forwardTime.Start();
        try { return inner.Forward(input, taps); }
        finally { _forwardTime.Stop(); }
    }

    public IReadOnlyList<BiasLayer> BiasLayers() => inner.BiasLayers();

    /// <summary>The wrapped classifier belongs to its <see cref="RunModel"/>; the counter owns nothing.</summary>
    public void Dispose() { }
}
