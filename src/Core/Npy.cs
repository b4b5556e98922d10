using System.Text;
using System.Text.RegularExpressions;

namespace GuidedCam.Core;

/// <summary>
/// NumPy .npy files (format 1.0/2.0/3.0): little-endian float32 ('&lt;f4') in C order, read and written.
/// Used for golden data, stored input tensors and the maps `explain` writes.
/// </summary>
public static partial class Npy
{
    public sealed record Array(long[] Shape, float[] Data);

    /// <summary>Largest rank read: the project's tensors are at most N×C×H×W; a header asking for more is not ours.</summary>
    public const int MaxRank = 8;

    /// <summary>
    /// Reads a float32 or float64 array. The header is untrusted: its dtype, rank, every dimension (no
    /// negatives, no overflow of the element count) and the byte count it implies are checked against
    /// the file's length before anything is allocated, so a lying header is one clear error.
    /// </summary>
    public static Array ReadFloat32(string path)
    {
        FileStream fs;
        try { fs = File.OpenRead(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new IOException($"{path}: cannot read ({e.Message})", e); }
        using (fs)
        {
            long fileLength = fs.Length;
            var prefix = new byte[12];
            int got = fs.ReadAtLeast(prefix, 12, throwOnEndOfStream: false);
            if (got < 10 || prefix[0] != 0x93 || Encoding.ASCII.GetString(prefix, 1, 5) != "NUMPY")
                throw new InvalidDataException($"{path}: not a .npy file (bad magic string)");
            int major = prefix[6];
            if (major is < 1 or > 3) throw new InvalidDataException($"{path}: .npy format version {major} is not supported (1, 2 or 3)");
            long headerLen, offset;
            if (major == 1) { headerLen = BitConverter.ToUInt16(prefix, 8); offset = 10; }
            else
            {
                if (got < 12) throw new InvalidDataException($"{path}: truncated .npy header");
                headerLen = BitConverter.ToUInt32(prefix, 8); offset = 12;
            }
            if (headerLen > fileLength - offset || headerLen > 1 << 20)
                throw new InvalidDataException($"{path}: header length {headerLen} does not fit the file ({fileLength} bytes)");
            var headerBytes = new byte[headerLen];
            fs.Seek(offset, SeekOrigin.Begin);
            fs.ReadExactly(headerBytes);
            string header = Encoding.ASCII.GetString(headerBytes);
            var descr = DescrRegex().Match(header);
            if (!descr.Success) throw new InvalidDataException($"{path}: header has no 'descr'");
            string dtype = descr.Groups[1].Value;
            int itemSize = dtype switch
            {
                "<f4" => 4,
                "<f8" => 8,
                _ => throw new InvalidDataException($"{path}: dtype '{dtype}' is not supported (float32 '<f4' or float64 '<f8')"),
            };
            if (FortranRegex().IsMatch(header)) throw new InvalidDataException($"{path}: Fortran-order arrays are not supported");
            var shapeMatch = ShapeRegex().Match(header);
            if (!shapeMatch.Success) throw new InvalidDataException($"{path}: header has no 'shape'");
            string[] dims = shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (dims.Length > MaxRank) throw new InvalidDataException($"{path}: rank {dims.Length} is more than {MaxRank}");
            var shape = new long[dims.Length];
            long count = 1;
            long dataBytes = fileLength - offset - headerLen;
            for (int i = 0; i < dims.Length; i++)
            {
                if (!long.TryParse(dims[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out shape[i]))
                    throw new InvalidDataException($"{path}: shape dimension '{dims[i]}' is not a non-negative whole number");
                // Checked against the bytes present at every step, so the product can never overflow.
                if (shape[i] != 0 && count > dataBytes / itemSize / shape[i])
                    throw new InvalidDataException($"{path}: shape ({string.Join(", ", dims)}) needs more data than the file's {dataBytes} bytes");
                count *= shape[i];
            }
            if (count * itemSize > dataBytes)
                throw new InvalidDataException($"{path}: truncated data ({dataBytes} bytes for {count} values of {itemSize} bytes)");
            if (count * itemSize > System.Array.MaxLength) throw new InvalidDataException($"{path}: {count} values are more than one array holds");
            var raw = new byte[count * itemSize];
            fs.ReadExactly(raw);
            var data = new float[count];
            if (itemSize == 4) Buffer.BlockCopy(raw, 0, data, 0, raw.Length);
            else for (long i = 0; i < count; i++) data[i] = (float)BitConverter.ToDouble(raw, (int)(i * 8));
            return new Array(shape, data);
        }
    }

    /// <summary>The first non-finite value (NaN or ±infinity) of an input, or null: inputs with one are refused, naming the file.</summary>
    public static string? FirstNonFinite(float[] data)
    {
        for (long i = 0; i < data.LongLength; i++)
            if (!float.IsFinite(data[i])) return $"value {i} is {data[i]}";
        return null;
    }

    public static void WriteFloat32(string path, float[] data, params long[] shape)
    {
        long count = shape.Aggregate(1L, (a, s) => a * s);
        if (count != data.Length) throw new ArgumentException($"shape ({string.Join(",", shape)}) holds {count} values, data has {data.Length}");
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shapeText}, }}";
        int total = 10 + dict.Length + 1;
        int pad = (64 - total % 64) % 64;
        string header = dict + new string(' ', pad) + "\n";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var fs = File.Create(path);
        fs.WriteByte(0x93);
        fs.Write(Encoding.ASCII.GetBytes("NUMPY"));
        fs.WriteByte(1); fs.WriteByte(0);
        fs.Write(BitConverter.GetBytes((ushort)header.Length));
        fs.Write(Encoding.ASCII.GetBytes(header));
        var bytes = new byte[data.Length * 4];
        Buffer.BlockCopy(data, 0, bytes, 0, bytes.Length);
        fs.Write(bytes);
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']+)'")] private static partial Regex DescrRegex();
    [GeneratedRegex(@"'fortran_order'\s*:\s*True")] private static partial Regex FortranRegex();
    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")] private static partial Regex ShapeRegex();
}
