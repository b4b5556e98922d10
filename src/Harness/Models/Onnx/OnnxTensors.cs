using GuidedCam.Core;
using System.Runtime.InteropServices;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Models.Onnx;

/// <summary>
/// ONNX TensorProto → TorchSharp tensor (onnx.proto3: values in raw_data as little-endian bytes or
/// in the typed repeated fields; external data in a side file named by the `location` entry).
/// Used for initializers, Constant nodes and the ONNX model zoo's reference vectors (.pb files).
/// </summary>
public static class OnnxTensors
{
    /// <summary>Parses a serialised TensorProto file (the model zoo's test_data_set_*/input_0.pb).</summary>
    public static Tensor ReadFile(string path)
    {
        if (!System.IO.File.Exists(path)) throw new FileNotFoundException($"ONNX tensor file not found: {path}", path);
        TensorProto proto;
        try
        {
            using var stream = System.IO.File.OpenRead(path);
            proto = TensorProto.Parser.ParseFrom(stream);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{path}: not a serialised ONNX TensorProto ({e.Message})", e);
        }
        return ToTensor(proto, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", path);
    }

    /// <summary>
    /// Converts one TensorProto. Float32/float64 become float32 (the interpreter computes in float32);
    /// int32/int64/bool keep an integer type (shapes, pads, indices). <paramref name="baseDir"/> resolves
    /// external data; <paramref name="where"/> names the file in errors.
    /// </summary>
    public static Tensor ToTensor(TensorProto t, string baseDir, string where)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw_data is little-endian; this machine is big-endian");
        long[] dims = t.Dims.ToArray();
        long count = dims.Aggregate(1L, (a, b) => a * b);
        byte[]? raw = null;
        if (t.DataLocation == TensorProto.Types.DataLocation.External) raw = ReadExternal(t, baseDir, where);
        else if (t.RawData.Length > 0) raw = t.RawData.ToByteArray();
        var type = (TensorProto.Types.DataType)t.DataType;
        string name = string.IsNullOrEmpty(t.Name) ? "(unnamed)" : t.Name;

        int elementSize = type switch
        {
            TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Int32 => 4,
            TensorProto.Types.DataType.Double or TensorProto.Types.DataType.Int64 => 8,
            TensorProto.Types.DataType.Bool or TensorProto.Types.DataType.Uint8 or TensorProto.Types.DataType.Int8 => 1,
            _ => throw new InvalidDataException(
                $"{where}: tensor '{name}' has data type {type}; supported: Float, Double, Int64, Int32, Bool, Uint8, Int8"),
        };
        if (raw != null && raw.LongLength != count * elementSize)
            throw new InvalidDataException($"{where}: tensor '{name}' of shape [{string.Join(",", dims)}] needs {count * elementSize} bytes, has {raw.LongLength}");

        switch (type)
        {
            case TensorProto.Types.DataType.Float:
                return torch.tensor(raw != null ? MemoryMarshal.Cast<byte, float>(raw).ToArray() : Checked(t.FloatData.ToArray(), count, name, where), dims);
            case TensorProto.Types.DataType.Double:
                {
                    double[] d = raw != null ? MemoryMarshal.Cast<byte, double>(raw).ToArray() : Checked(t.DoubleData.ToArray(), count, name, where);
                    return torch.tensor(d.Select(v => (float)v).ToArray(), dims);
                }
            case TensorProto.Types.DataType.Int64:
                return torch.tensor(raw != null ? MemoryMarshal.Cast<byte, long>(raw).ToArray() : Checked(t.Int64Data.ToArray(), count, name, where), dims);
            case TensorProto.Types.DataType.Int32:
                return torch.tensor(raw != null ? MemoryMarshal.Cast<byte, int>(raw).ToArray() : Checked(t.Int32Data.ToArray(), count, name, where), dims);
            case TensorProto.Types.DataType.Bool:
                return torch.tensor(raw != null ? raw.Select(b => b != 0).ToArray() : Checked(t.Int32Data.Select(v => v != 0).ToArray(), count, name, where), dims);
            case TensorProto.Types.DataType.Uint8:
                return torch.tensor(raw ?? Checked(t.Int32Data.Select(v => (byte)v).ToArray(), count, name, where), dims);
            default: // Int8
                return torch.tensor(raw != null ? MemoryMarshal.Cast<byte, sbyte>(raw).ToArray() : Checked(t.Int32Data.Select(v => (sbyte)v).ToArray(), count, name, where), dims);
        }
    }

    private static long ExternalNumber(Dictionary<string, string> entries, string key, long dflt, string tensor, string where)
    {
        if (!entries.TryGetValue(key, out var text)) return dflt;
        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long v)
            ? v : throw new InvalidDataException($"{where}: tensor '{tensor}' has external-data {key} '{text}', not a byte count");
    }

    private static T[] Checked<T>(T[] values, long count, string name, string where) =>
        values.LongLength == count ? values : throw new InvalidDataException($"{where}: tensor '{name}' holds {values.LongLength} values, its shape needs {count}");

    /// <summary>ONNX external data: `location` (relative to the model file), optional `offset` and `length`.</summary>
    private static byte[] ReadExternal(TensorProto t, string baseDir, string where)
    {
        var entries = t.ExternalData.ToDictionary(e => e.Key, e => e.Value);
        if (!entries.TryGetValue("location", out var location))
            throw new InvalidDataException($"{where}: tensor '{t.Name}' is stored externally but names no location");
        // A model file from outside must not read arbitrary files into tensors: the ONNX spec makes
        // `location` a path relative to the model's folder, so absolute paths and any step out of that
        // folder ("..", symbolic links) are refused (onnx/external_data_helper.py checks the same).
        string dir = Path.GetFullPath(baseDir);
        if (Path.IsPathRooted(location) || location.Contains('\0'))
            throw new InvalidDataException($"{where}: tensor '{t.Name}' names external data at an absolute path '{location}'; it must be a file inside the model's folder {dir}");
        string path = Path.GetFullPath(Path.Combine(dir, location));
        string resolved = System.IO.File.Exists(path) && new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true) is { } target ? target.FullName : path;
        string dirResolved = new DirectoryInfo(dir).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? dir;
        if (!FilePaths.IsInside(dir, path) || !(FilePaths.IsInside(dir, resolved) || FilePaths.IsInside(dirResolved, resolved)))
            throw new InvalidDataException($"{where}: tensor '{t.Name}' names external data '{location}' outside the model's folder {dir}; refused");
        if (!System.IO.File.Exists(path)) throw new FileNotFoundException($"{where}: external data file of tensor '{t.Name}' not found: {path}", path);
        using var fs = System.IO.File.OpenRead(path);
        long offset = ExternalNumber(entries, "offset", 0, t.Name, where);
        long length = ExternalNumber(entries, "length", fs.Length - offset, t.Name, where);
        if (offset > fs.Length || length > fs.Length - offset || length > Array.MaxLength)
            throw new InvalidDataException($"{path}: tensor '{t.Name}' wants {length} bytes from offset {offset}, file has {fs.Length}");
        var bytes = new byte[length];
        fs.Seek(offset, SeekOrigin.Begin);
        fs.ReadExactly(bytes);
        return bytes;
    }
}
