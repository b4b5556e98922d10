using GuidedCam.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Models.Onnx;

/// <summary>
/// Randomised copies of an ONNX graph for the model-parameter randomisation test. A layer is a node
/// whose learnable operands are initialisers: Conv, ConvTranspose, Gemm, MatMul (weight and bias drawn
/// as PyTorch's Conv/Linear defaults, U(±1/√fan_in), fan_in from the weight's shape in PyTorch's layout;
/// for Gemm with transB = 0 and MatMul the input dimension is the first/second-to-last axis), and
/// BatchNormalization, LayerNormalization, InstanceNormalization (scale 1, bias 0, mean 0, variance 1).
/// A bias added by a separate Add node (a Linear exported as MatMul + Add) is not re-drawn. Layers are
/// named by their node's first output tensor and listed in reverse execution order (output → input).
/// A copy shares the graph and every initialiser it does not re-draw with this model, so it costs only
/// the re-drawn tensors; it must not outlive this model.
/// </summary>
public sealed partial class OnnxClassifier : IRandomizableClassifier
{
    private static readonly HashSet<string> DrawnOps = ["Conv", "ConvTranspose", "Gemm", "MatMul"];
    private static readonly HashSet<string> NormalizationOps = ["BatchNormalization", "LayerNormalization", "InstanceNormalization"];

    /// <summary>Names of the constants this instance created and disposes; null = all (a model read from its file).</summary>
    private readonly HashSet<string>? _owned;
    private OnnxNode[]? _parameterized;

    private OnnxClassifier(OnnxClassifier trained, Dictionary<string, Tensor> constants, HashSet<string> owned, string name) : base(trained, name)
    {
        _file = trained._file;
        _inputName = trained._inputName;
        _outputName = trained._outputName;
        _nodes = trained._nodes;
        _lastUse = trained._lastUse;
        _context = trained._context;
        _constants = constants;
        _owned = owned;
        Opset = trained.Opset;
        // The batch layout is the graph's, which a copy shares: a CNN copy runs its batch at once as the
        // original does, and a graph exported with a fixed batch other than 1 keeps working.
        BatchLeading = trained.BatchLeading;
    }

    public IReadOnlyList<string> ParameterizedLayers => ParameterizedNodes().Select(n => n.Outputs[0]).ToArray();

    public long ParameterCount => ParameterizedNodes().SelectMany(n => Roles(n)).Sum(r => _constants[r.Name].numel());

    public IClassifier Randomized(IReadOnlyList<int> layers, int seed)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var nodes = ParameterizedNodes();
        foreach (int i in layers)
            if (i < 0 || i >= nodes.Length) throw new ArgumentOutOfRangeException(nameof(layers), $"model '{Name}' has {nodes.Length} parameterised layers; there is no layer {i}");
        var constants = new Dictionary<string, Tensor>(_constants);
        var owned = new HashSet<string>();
        try
        {
            foreach (int i in layers)
            {
                var node = nodes[i];
                var roles = Roles(node);
                var drawn = new List<(string Role, Tensor Value)>();
                foreach (var (role, tensorName) in roles)
                {
                    if (owned.Contains(tensorName)) continue; // an initialiser shared by two layers is drawn once
                    var copy = _constants[tensorName].detach().clone().DetachFromDisposeScope();
                    copy.requires_grad = false;
                    constants[tensorName] = copy;
                    owned.Add(tensorName);
                    drawn.Add((role, copy));
                }
                bool normalization = NormalizationOps.Contains(node.OpType);
                long fanIn = normalization ? 1 : FanIn(node);
                DefaultInitialization.Apply(drawn, normalization, fanIn, seed, i);
            }
        }
        catch
        {
            foreach (string n in owned) constants[n].Dispose();
            throw;
        }
        return new OnnxClassifier(this, constants, owned, $"{Name} randomised[{string.Join(",", layers)}]@{seed}");
    }

    private OnnxNode[] ParameterizedNodes()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _parameterized ??= _nodes.Where(n => (DrawnOps.Contains(n.OpType) || NormalizationOps.Contains(n.OpType)) && Roles(n).Count > 0)
            .Reverse().ToArray();
    }

    /// <summary>The node's learnable initialisers by role (weight, bias, running_mean, running_var).</summary>
    private List<(string Role, string Name)> Roles(OnnxNode n)
    {
        string[] roles = n.OpType switch
        {
            "BatchNormalization" => ["input", "weight", "bias", "running_mean", "running_var"],
            "MatMul" => [n.HasInput(0) && IsFloatConstant(n.Inputs[0]) ? "weight" : "input", "weight"],
            _ => ["input", "weight", "bias"],
        };
        var result = new List<(string, string)>();
        for (int j = 0; j < roles.Length && j < n.Inputs.Count; j++)
            if (roles[j] != "input" && n.HasInput(j) && IsFloatConstant(n.Inputs[j]))
                result.Add((roles[j], n.Inputs[j]));
        return result.Any(r => r.Item1 == "weight") ? result : new List<(string, string)>();
    }

    private bool IsFloatConstant(string name) => _constants.TryGetValue(name, out var t) && t.is_floating_point() && t.dim() >= 1;

    /// <summary>fan_in of the node's weight in PyTorch's sense (input features × kernel size).</summary>
    private long FanIn(OnnxNode n)
    {
        var weight = _constants[Roles(n).First(r => r.Role == "weight").Name].shape;
        return n.OpType switch
        {
            "Gemm" => n.Int("transB", 0) != 0 ? weight[1] : weight[0],
            "MatMul" => weight.Length >= 2 ? weight[^2] : weight[0],
            _ => DefaultInitialization.FanIn(weight),
        };
    }
}
