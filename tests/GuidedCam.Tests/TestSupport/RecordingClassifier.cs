using System.Runtime.InteropServices;
using System.Security.Cryptography;
using GuidedCam.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Tests.TestSupport;

/// <summary>
/// Test decorator of an <see cref="IClassifier"/>: counts network invocations (so a method's reported
/// ForwardPasses can be checked against what it really ran) and, when asked, memoises forward passes
/// without taps by the exact bytes of the input. Score-CAM's masked inputs depend only on A, which is
/// the same for every target of one image, so with memoising a batch of one image × two targets pays
/// the 512 masked forwards once; the second target's scores are the same logits the network gives.
/// </summary>
public sealed class RecordingClassifier(IClassifier inner, bool memoiseUntapped) : IClassifier
{
    private readonly Dictionary<string, Tensor> _cache = new();

    public int ForwardCalls { get; private set; }
    public int CacheHits { get; private set; }
    public void ResetCounts() { ForwardCalls = 0; CacheHits = 0; }

    public string Name => inner.Name;
    public int NumClasses => inner.NumClasses;
    public string LabelSpace => inner.LabelSpace;
    public string DefaultTargetLayer => inner.DefaultTargetLayer;
    public IReadOnlyList<string> LayerNames => inner.LayerNames;
    public Device Device => inner.Device;
    public IReadOnlyList<BiasLayer> BiasLayers() => inner.BiasLayers();

    public Tensor Forward(Tensor input, IReadOnlyList<LayerTap>? taps = null)
    {
        ForwardCalls++;
        if (!memoiseUntapped || taps is { Count: > 0 } || input.requires_grad || torch.is_grad_enabled())
            return inner.Forward(input, taps);
        string key = Key(input);
        if (_cache.TryGetValue(key, out var hit))
        {
            CacheHits++;
            return hit.clone();
        }
        var logits = inner.Forward(input, taps);
        _cache[key] = logits.detach().clone().DetachFromDisposeScope();
        return logits;
    }

    private static string Key(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var values = input.detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        return string.Join("x", input.shape) + ":" + Convert.ToHexString(SHA256.HashData(MemoryMarshal.AsBytes(values.AsSpan())));
    }

    public void Dispose()
    {
        foreach (var t in _cache.Values) t.Dispose();
        _cache.Clear();
    }
}
