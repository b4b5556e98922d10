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

    public static Array ReadFloat32(string path)
    {
        byte[] b;
        try { b = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new IOException($"{path}: cannot read ({e.Message})", e); }
        if (b.Length < 10 || b[0] != 0x93 || Encoding.ASCII.GetString(b, 1, 5) != "NUMPY")
            throw new InvalidDataException($"{path}: not a .npy file (bad magic string)");
        int major = b[6];
        int headerLen, offset;
        if (major == 1) { headerLen = BitConverter.ToUInt16(b, 8); offset = 10; }
        else { headerLen = (int)BitConverter.ToUInt32(b, 8); offset = 12; }
        string header = Encoding.ASCII.GetString(b, offset, headerLen);
        var descr = DescrRegex().Match(header);
        if (!descr.Success) throw new InvalidDataException($"{path}: header has no 'descr'");
        string dtype = descr.Groups[1].Value;
        if (FortranRegex().IsMatch(header)) throw new InvalidDataException($"{path}: Fortran-order arrays are not supported");
        var shapeMatch = ShapeRegex().Match(header);
        if (!shapeMatch.Success) throw new InvalidDataException($"{path}: header has no 'shape'");
        long[] shape = shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(long.Parse).ToArray();
        long count = shape.Aggregate(1L, (a, s) => a * s);
        int start = offset + headerLen;
        var data = new float[count];
        switch (dtype)
        {
            case "<f4":
                if (b.Length - start < count * 4) throw new InvalidDataException($"{path}: truncated data ({b.Length - start} bytes for {count} float32)");
                Buffer.BlockCopy(b, start, data, 0, (int)(count * 4));
                break;
            case "<f8":
                if (b.Length - start < count * 8) throw new InvalidDataException($"{path}: truncated data");
                for (long i = 0; i < count; i++) data[i] = (float)BitConverter.ToDouble(b, start + (int)(i * 8));
                break;
            default:
                throw new InvalidDataException($"{path}: dtype '{dtype}' is not supported (float32 '<f4' or float64 '<f8')");
        }
        return new Array(shape, data);
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
