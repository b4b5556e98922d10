using Onnx;

namespace GuidedCam.Harness.Models.Onnx;

/// <summary>
/// One ONNX node as the interpreter uses it: its operator, its inputs and outputs by tensor name
/// (an empty name is an omitted optional input, ONNX IR §"Optional inputs") and typed attribute
/// look-ups. Errors name the operator, the node and the file, so a bad model is easy to locate.
/// </summary>
internal sealed class OnnxNode
{
    private readonly Dictionary<string, AttributeProto> _attributes;

    internal OnnxNode(NodeProto proto, int index, string file, long opset)
    {
        Proto = proto;
        Index = index;
        File = file;
        Opset = opset;
        OpType = proto.OpType;
        Name = string.IsNullOrEmpty(proto.Name) ? $"#{index}" : proto.Name;
        Inputs = proto.Input.ToArray();
        Outputs = proto.Output.ToArray();
        _attributes = new Dictionary<string, AttributeProto>();
        foreach (var a in proto.Attribute) _attributes[a.Name] = a;
    }

    internal NodeProto Proto { get; }
    /// <summary>Position in the file's node list (before sorting).</summary>
    public int Index { get; }
    public string File { get; }
    /// <summary>The model's default-domain opset: operators changed their signature across opsets (Clip, Pad, Softmax).</summary>
    public long Opset { get; }
    public string OpType { get; }
    public string Name { get; }
    public IReadOnlyList<string> Inputs { get; }
    public IReadOnlyList<string> Outputs { get; }

    /// <summary>"Conv node 'squeezenet0_conv0' in /path/model.onnx": the prefix of every error about this node.</summary>
    public string Where => $"{OpType} node '{Name}' in {File}";

    public bool HasInput(int i) => i < Inputs.Count && Inputs[i].Length > 0;
    public bool HasAttribute(string name) => _attributes.ContainsKey(name);

    public long Int(string name, long fallback) => _attributes.TryGetValue(name, out var a) ? Expect(a, AttributeProto.Types.AttributeType.Int).I : fallback;
    public float Float(string name, float fallback) => _attributes.TryGetValue(name, out var a) ? Expect(a, AttributeProto.Types.AttributeType.Float).F : fallback;
    public string String(string name, string fallback) => _attributes.TryGetValue(name, out var a) ? Expect(a, AttributeProto.Types.AttributeType.String).S.ToStringUtf8() : fallback;
    public long[]? Ints(string name) => _attributes.TryGetValue(name, out var a) ? Expect(a, AttributeProto.Types.AttributeType.Ints).Ints.ToArray() : null;
    public float[]? Floats(string name) => _attributes.TryGetValue(name, out var a) ? Expect(a, AttributeProto.Types.AttributeType.Floats).Floats.ToArray() : null;
    public TensorProto? TensorAttribute(string name) => _attributes.TryGetValue(name, out var a) ? Expect(a, AttributeProto.Types.AttributeType.Tensor).T : null;

    /// <summary>A clear error about this node.</summary>
    public InvalidDataException Error(string message) => new($"{Where}: {message}");

    private AttributeProto Expect(AttributeProto a, AttributeProto.Types.AttributeType type)
    {
        // Some exporters leave `type` unset (0); trust the field then, as onnxruntime does.
        if (a.Type != type && a.Type != AttributeProto.Types.AttributeType.Undefined)
            throw Error($"attribute '{a.Name}' is {a.Type}, expected {type}");
        return a;
    }
}
