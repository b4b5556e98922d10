using GuidedCam.Core;

namespace GuidedCam.Metrics;

/// <summary>
/// Randomised copies of one model, made once and reused for every item, method and batch that asks for
/// the same (layers, seed): the copies are deterministic, so reusing them changes no value. Keeps copies
/// while their parameters together stay within <see cref="BudgetBytes"/> (a SqueezeNet cascade fits
/// whole); for bigger models (VGG-16: 553 MB a copy) it keeps one at a time. Asking for a copy of
/// another model drops the copies of the previous one (the runner goes model by model).
/// </summary>
public sealed class RandomizedModelCache : IDisposable
{
    /// <summary>Parameter bytes the cache may hold (float32 parameters counted at 4 bytes).</summary>
    public const long BudgetBytes = 512L * 1024 * 1024;

    private readonly Dictionary<string, IClassifier> _copies = new(StringComparer.Ordinal);
    private IRandomizableClassifier? _owner;

    /// <summary>Copies made so far (for tests of reuse).</summary>
    public int Created { get; private set; }

    public IClassifier Get(IRandomizableClassifier model, IReadOnlyList<int> layers, int seed)
    {
        if (!ReferenceEquals(model, _owner))
        {
            Clear();
            _owner = model;
        }
        string key = string.Join(",", layers) + "@" + seed;
        if (_copies.TryGetValue(key, out var hit)) return hit;
        long bytesPerCopy = Math.Max(1, model.ParameterCount) * sizeof(float);
        if ((_copies.Count + 1) * bytesPerCopy > BudgetBytes) Clear();
        var copy = model.Randomized(layers, seed);
        Created++;
        _copies[key] = copy;
        return copy;
    }

    private void Clear()
    {
        foreach (var c in _copies.Values) c.Dispose();
        _copies.Clear();
    }

    public void Dispose()
    {
        Clear();
        _owner = null;
    }
}
