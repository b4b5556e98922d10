using System.Runtime.InteropServices;
using System.Security.Cryptography;
using GuidedCam.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Tests.TestSupport;

/// <summary>
/// Test decorator of an <see cref="IClassifier"/> that memoises forward passes without taps by the exact
/// bytes of the input. Score-CAM's masked inputs depend only on A, which is the same for every target of
/// one image, so with memoising a batch of one image × two targets pays the 512 masked forwards once; the
/// second target's scores are the same logits the network gives. Count the calls a method makes with a
/// <see cref="CountingClassifier"/> around it: memoised calls count, the method made them.
/// </summary>
public sealed class MemoisingClassifier(IClassifier inner) : ClassifierView(inner)
{
    private readonly Dictionary<string, Tensor> _cache = new();

    /// <summary>Forward calls answered from the memo since this decorator was made.</summary>
    public int CacheHits { get; private set; }

    public override Tensor Forward(Tensor input, IReadOnlyList<LayerTap>? taps = null)
    {
        if (taps is { Count: > 0 } || input.requires_grad || torch.is_grad_enabled())
            return Inner.Forward(input, taps);
        string key = Key(input);
        if (_cache.TryGetValue(key, out var hit))
        {
            CacheHits++;
            return hit.clone();
        }
        var logits = Inner.Forward(input, taps);
        _cache[key] = logits.detach().clone().DetachFromDisposeScope();
        return logits;
    }

    private static string Key(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var values = input.detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        return string.Join("x", input.shape) + ":" + Convert.ToHexString(SHA256.HashData(MemoryMarshal.AsBytes(values.AsSpan())));
    }

    /// <summary>Frees the memo; the decorated model belongs to whoever made it.</summary>
    public override void Dispose()
    {
        foreach (var t in _cache.Values) t.Dispose();
        _cache.Clear();
    }
}
