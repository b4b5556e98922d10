using Google.Protobuf;
using Onnx;

namespace GuidedCam.Tests.TestSupport;

/// <summary>Writes small ONNX models for operator tests (one graph input, one output, float32).</summary>
public sealed class OnnxModelBuilder(long opset = 13)
{
    private readonly GraphProto _graph = new() { Name = "test" };

    /// <param name="dims">The input's shape; a value below 1 is a free dimension.</param>
    public OnnxModelBuilder Input(string name, params long[] dims)
    {
        _graph.Input.Add(ValueInfo(name, dims));
        return this;
    }

    public OnnxModelBuilder Output(string name, params long[] dims)
    {
        _graph.Output.Add(ValueInfo(name, dims));
        return this;
    }

    public OnnxModelBuilder Initializer(string name, float[] values, params long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(dims);
        t.FloatData.AddRange(values);
        _graph.Initializer.Add(t);
        return this;
    }

    public OnnxModelBuilder Initializer(string name, long[] values, params long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.AddRange(dims);
        t.Int64Data.AddRange(values);
        _graph.Initializer.Add(t);
        return this;
    }

    public OnnxModelBuilder Node(string opType, string name, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var n = new NodeProto { OpType = opType, Name = name };
        n.Input.AddRange(inputs);
        n.Output.AddRange(outputs);
        n.Attribute.AddRange(attributes);
        _graph.Node.Add(n);
        return this;
    }

    public static AttributeProto Ints(string name, params long[] v)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(v);
        return a;
    }

    public static AttributeProto Int(string name, long v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = v };
    public static AttributeProto Float(string name, float v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = v };
    public static AttributeProto String(string name, string v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(v) };

    /// <summary>A tensor attribute holding one int64 (ConstantOfShape's `value`).</summary>
    public static AttributeProto LongTensor(string name, long value)
    {
        var t = new TensorProto { DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.Add(1);
        t.Int64Data.Add(value);
        return new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = t };
    }

    /// <summary>
    /// A small CNN with a tensor name no known default layer matches: x [B,3,8,8] → Conv 4×3×3×3 (pad 1) `conv` →
    /// Relu `relu` → GlobalAveragePool `gap` → Reshape [B,4] `flat` → Gemm `logits` [B,classes]; weights from a fixed
    /// seed. <paramref name="exportBatch"/> 0 = a free batch (the Reshape target copies it), else a fixed batch
    /// that the Reshape target hard-codes, as a fixed-batch export writes it.
    /// </summary>
    public static string SmallCnn(string path, long exportBatch, int classes = 5)
    {
        var rng = new Random(11);
        float[] Draw(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1) * 0.5f).ToArray();
        return new OnnxModelBuilder(13)
            .Input("x", exportBatch, 3, 8, 8)
            .Initializer("w", Draw(4 * 3 * 3 * 3), 4, 3, 3, 3)
            .Initializer("b", Draw(4), 4)
            .Initializer("fc_w", Draw(classes * 4), classes, 4)
            .Initializer("fc_b", Draw(classes), classes)
            .Initializer("shape", new[] { exportBatch, 4L }, 2)
            .Node("Conv", "conv", ["x", "w", "b"], ["conv"], Ints("pads", 1, 1, 1, 1), Ints("kernel_shape", 3, 3))
            .Node("Relu", "relu", ["conv"], ["relu"])
            .Node("GlobalAveragePool", "gap", ["relu"], ["gap"])
            .Node("Reshape", "flat", ["gap", "shape"], ["flat"])
            .Node("Gemm", "fc", ["flat", "fc_w", "fc_b"], ["logits"], Int("transB", 1))
            .Output("logits", exportBatch, classes)
            .Save(path);
    }

    public string Save(string path)
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "GuidedCam.Tests", Graph = _graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    private static ValueInfoProto ValueInfo(string name, long[] dims)
    {
        var shape = new TensorShapeProto();
        // A dimension below 1 is free (a named dim_param, as an export with dynamic_axes writes it).
        foreach (var d in dims)
            shape.Dim.Add(d > 0 ? new TensorShapeProto.Types.Dimension { DimValue = d } : new TensorShapeProto.Types.Dimension { DimParam = "N" });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
