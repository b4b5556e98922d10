using System.IO.Compression;
using System.Runtime.InteropServices;

namespace GuidedCam.Harness.Results;

/// <summary>How a map is stored: what reproduces the final map exactly, in the fewest bytes.</summary>
public enum StoredMapKind
{
    /// <summary>The raw low-resolution map (float32, Rows×Cols); final map = SaliencyPostProcessing.Apply(raw, InputHeight, InputWidth).</summary>
    Raw = 0,
    /// <summary>The final map itself (float32, Rows×Cols = the input size), Deflate-compressed: for methods with no low-resolution stage (FullGrad, the centre baseline).</summary>
    Final = 1,
}

/// <summary>
/// One saliency map in the map store, keyed by (model key, dataset key, item, target, method key).
/// Lossless in both kinds: a metric that reads a stored map gets bit for bit the map it would have got
/// from the method, so a value computed later equals the value an uninterrupted run computes.
/// </summary>
public sealed record StoredMap(string ItemId, long Target, string MethodKey, StoredMapKind Kind, int Rows, int Cols, int InputHeight, int InputWidth, byte[] Data)
{
    public static StoredMap FromRaw(string itemId, long target, string methodKey, float[] raw, int rows, int cols, int inputHeight, int inputWidth) =>
        new(itemId, target, methodKey, StoredMapKind.Raw, rows, cols, inputHeight, inputWidth, MemoryMarshal.AsBytes(raw.AsSpan()).ToArray());

    public static StoredMap FromFinal(string itemId, long target, string methodKey, float[] map, int height, int width)
    {
        using var buffer = new MemoryStream();
        using (var z = new ZLibStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
            z.Write(MemoryMarshal.AsBytes(map.AsSpan()));
        return new(itemId, target, methodKey, StoredMapKind.Final, height, width, height, width, buffer.ToArray());
    }

    /// <summary>The stored values (Rows×Cols float32): the raw map or the final map, by <see cref="Kind"/>.</summary>
    public float[] Values()
    {
        byte[] bytes = Data;
        if (Kind == StoredMapKind.Final)
        {
            using var z = new ZLibStream(new MemoryStream(Data), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            z.CopyTo(plain);
            bytes = plain.ToArray();
        }
        if (bytes.Length != (long)Rows * Cols * sizeof(float))
            throw new InvalidDataException($"stored map of item '{ItemId}' ({MethodKey}, target {Target}) holds {bytes.Length} bytes, expected {Rows}×{Cols} float32");
        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }
}
