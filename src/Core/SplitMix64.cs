namespace GuidedCam.Core;

/// <summary>
/// SplitMix64 (Steele, Lea &amp; Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014;
/// constants from the paper's reference code): a tiny generator whose stream is fixed by its seed on
/// every machine and .NET version — what System.Random with a seed does not promise. The one seeded
/// generator of the project: item sampling, bootstrap resampling and the random baseline's weights.
/// </summary>
public sealed class SplitMix64(ulong seed)
{
    /// <summary>The golden-ratio increment of the state (2⁶⁴ / φ).</summary>
    public const ulong Gamma = 0x9E3779B97F4A7C15UL;

    private ulong _state = seed;

    public ulong NextUInt64()
    {
        ulong z = _state += Gamma;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A double in [0, 1) from the top 53 bits.</summary>
    public double NextUnit() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform index in [0, n) by scaling <see cref="NextUnit"/> (bias about n · 2⁻⁵³, negligible).</summary>
    public int NextIndex(int n) => (int)(NextUnit() * n);
}
