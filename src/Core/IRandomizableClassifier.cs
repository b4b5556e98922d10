namespace GuidedCam.Core;

/// <summary>
/// A classifier that can hand out copies of itself with some parameterised layers re-initialised, for
/// the model-parameter randomisation test (Adebayo et al. 2018, "Sanity Checks for Saliency Maps",
/// Sec. 3). Layers are numbered from the output towards the input, so the cascade of the test is
/// randomising layers {0}, {0, 1}, {0, 1, 2}, …; the draws of layer i depend only on (seed, i), so a
/// layer gets the same random values in every step, copy, batch and shard.
/// </summary>
public interface IRandomizableClassifier : IClassifier
{
    /// <summary>Every layer with learnable parameters, output → input (index 0 = the layer that produces the logits).</summary>
    IReadOnlyList<string> ParameterizedLayers { get; }

    /// <summary>Number of parameter values of the whole model (to bound how many copies a cache may keep).</summary>
    long ParameterCount { get; }

    /// <summary>
    /// A new classifier, independent of this one's lifetime except where documented, whose layers
    /// <paramref name="layers"/> (indices into <see cref="ParameterizedLayers"/>) carry their default
    /// initialisation (<see cref="DefaultInitialization"/>) drawn from <paramref name="seed"/>; all other
    /// parameters are the trained ones. The caller disposes it.
    /// </summary>
    IClassifier Randomized(IReadOnlyList<int> layers, int seed);
}
