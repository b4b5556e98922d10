using System.Text;

namespace GuidedCam.Core;

/// <summary>
/// FNV-1a, 64-bit (Fowler–Noll–Vo; offset basis 14695981039346656037, prime 1099511628211): the
/// project's stable hash, for shard assignment, file-name suffixes, bootstrap streams and the random
/// baseline's per-sample seed. string.GetHashCode is randomised per process and so cannot be used.
/// </summary>
public static class Fnv1a
{
    public const ulong OffsetBasis = 14695981039346656037UL;
    public const ulong Prime = 1099511628211UL;

    /// <summary>The hash of the text's UTF-8 bytes.</summary>
    public static ulong Hash(string text)
    {
        ulong h = OffsetBasis;
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            h ^= b;
            h *= Prime;
        }
        return h;
    }

    /// <summary>
    /// The hash of float32 values with each value's 32 bits as one unit (4× fewer steps than byte-wise;
    /// only stability matters where it is used).
    /// </summary>
    public static ulong Hash(ReadOnlySpan<float> values)
    {
        ulong h = OffsetBasis;
        foreach (float v in values)
        {
            h ^= BitConverter.SingleToUInt32Bits(v);
            h *= Prime;
        }
        return h;
    }
}
