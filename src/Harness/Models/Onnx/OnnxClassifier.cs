using System.Runtime.InteropServices;
using GuidedCam.Core;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Models.Onnx;

/// <summary>
/// An ONNX image classifier run as a differentiable TorchSharp graph interpreter: the file is parsed
/// with OnnxSharp, initializers (and Constant nodes) become frozen tensors (requires_grad = false),
/// and each node is executed in topological order as TorchSharp calls, so autograd reaches any
/// tapped tensor exactly as in a native module.
///
/// Layers are the graph's tensor names (every node output, in execution order). A tap on a name sees
/// that tensor and may replace it. A replacement may have a larger batch (Ablation-CAM hands back K
/// copies per sample): element-wise operators and Concat then repeat their other, smaller-batch
/// operands with repeat_interleave (each sample's copies adjacent, as a tap that builds its batch
/// sample by sample produces), and Reshape targets that hard-code the export batch follow the actual
/// one. Intermediate tensors are freed as soon as no later node reads them, except tapped ones.
/// </summary>
public sealed partial class OnnxClassifier : ClassifierBase, IClassifier
{
    private readonly string _file;
    private readonly string _inputName;
    private readonly string _outputName;
    private readonly OnnxNode[] _nodes;
    private readonly Dictionary<string, Tensor> _constants;
    /// <summary>For each tensor, the index (in <see cref="_nodes"/>) of the last node that reads it.</summary>
    private readonly Dictionary<string, int> _lastUse;
    private readonly KernelContext _context;
    private bool _disposed;

    /// <param name="onnxPath">The .onnx file.</param>
    /// <param name="defaultTargetLayer">Tensor name CAM methods use by default (squeezenet1.1: `squeezenet0_concat7`);
    /// null = the first of <see cref="KnownTargetLayers"/> the graph has, else an error listing its tensor names.</param>
    /// <param name="labelSpace">Label space id of the outputs.</param>
    /// <param name="numClasses">Output classes; null = the graph output's static last dimension.</param>
    /// <param name="name">Model name in results; null = the file name without extension.</param>
    public OnnxClassifier(string onnxPath, string? defaultTargetLayer, string labelSpace = "imagenet1k", int? numClasses = null, string? name = null, Device? device = null)
    {
        _file = Path.GetFullPath(onnxPath);
        if (!File.Exists(_file)) throw new FileNotFoundException($"ONNX model file not found: {_file}", _file);
        Name = name ?? Path.GetFileNameWithoutExtension(_file);
        LabelSpace = labelSpace;
        Device = device ?? torch.CPU;

        ModelProto model;
        try
        {
            using var stream = File.OpenRead(_file);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{_file}: not a valid ONNX model ({e.Message})", e);
        }
        var graph = model.Graph ?? throw new InvalidDataException($"{_file}: the model has no graph");
        long opset = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(-1).Max();
        if (opset < 0) throw new InvalidDataException($"{_file}: no opset_import for the default ONNX domain");
        Opset = opset;

        var nodes = graph.Node.Select((p, i) => new OnnxNode(p, i, _file, opset)).ToList();
        RejectUnsupported(nodes);

        _constants = new Dictionary<string, Tensor>();
        try
        {
            string baseDir = Path.GetDirectoryName(_file) ?? ".";
            foreach (var init in graph.Initializer)
                _constants[init.Name] = Freeze(OnnxTensors.ToTensor(init, baseDir, _file));
            foreach (var n in nodes.Where(n => n.OpType == OnnxOperators.ConstantOp))
                _constants[n.Outputs[0]] = Freeze(ConstantValue(n, baseDir));

            var inputs = graph.Input.Where(i => !_constants.ContainsKey(i.Name)).ToList();
            if (inputs.Count != 1)
                throw new InvalidDataException($"{_file}: a classifier needs exactly one graph input that is not an initializer, found {inputs.Count} ({string.Join(", ", inputs.Select(i => i.Name))})");
            _inputName = inputs[0].Name;
            if (graph.Output.Count < 1) throw new InvalidDataException($"{_file}: the graph has no output");
            _outputName = graph.Output[0].Name;
            var inputDims = inputs[0].Type?.TensorType?.Shape?.Dim;
            _context = new KernelContext(inputDims is { Count: > 0 } && inputDims[0].DimValue > 0 ? inputDims[0].DimValue : 1);

            _nodes = FoldConstants(TopologicalOrder(nodes.Where(n => n.OpType != OnnxOperators.ConstantOp).ToList()));
            BatchLeading = _nodes.All(n => KeepsBatchLeading(n));
            LayerNames = _nodes.SelectMany(n => n.Outputs).Where(o => o.Length > 0).ToArray();
            if (!LayerNames.Contains(_outputName) && !_constants.ContainsKey(_outputName))
                throw new InvalidDataException($"{_file}: graph output '{_outputName}' is produced by no node");

            _lastUse = new Dictionary<string, int>();
            for (int i = 0; i < _nodes.Length; i++)
                foreach (var used in _nodes[i].Inputs.Where(s => s.Length > 0))
                    _lastUse[used] = i;

            var outputDims = graph.Output[0].Type?.TensorType?.Shape?.Dim;
            long staticClasses = outputDims is { Count: > 0 } ? outputDims[^1].DimValue : 0;
            NumClasses = numClasses ?? (staticClasses > 0 ? (int)staticClasses
                : throw new InvalidDataException($"{_file}: output '{_outputName}' has no static class dimension; give the number of classes explicitly"));
            DefaultTargetLayer = defaultTargetLayer ?? KnownTargetLayers.FirstOrDefault(LayerNames.Contains)
                ?? throw new ArgumentException($"{_file}: no known default target layer for this graph; name one of its tensors: " +
                    ClassifierExtensions.LayerList(LayerNames));
            this.RequireLayer(DefaultTargetLayer);
        }
        catch
        {
            foreach (var t in _constants.Values) t.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Default target layers of graphs GuidedCam knows by their tensor names: the ONNX model zoo's
    /// squeezenet1.1 fire9 output (models/squeezenet1.1/README.md, = torchvision features.12).
    /// </summary>
    public static IReadOnlyList<string> KnownTargetLayers { get; } = ["squeezenet0_concat7"];

    /// <summary>The model's default-domain opset.</summary>
    public long Opset { get; }
    /// <summary>
    /// True when every tensor keeps the batch as its leading axis (CNN graphs); false when a Transpose moves
    /// it (sequence-first attention, as PyTorch exports nn.MultiheadAttention) or a constant Reshape target
    /// does not start with the export batch (it merges the batch into another axis). Then a tap's larger
    /// batch is run row by row (<see cref="RunRows"/>).
    /// </summary>
    public bool BatchLeading { get; }
    /// <summary>Name of the graph input (NCHW image batch).</summary>
    public string InputName => _inputName;

    public Tensor Forward(Tensor input, IReadOnlyList<LayerTap>? taps = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var tapsByLayer = new Dictionary<string, List<LayerTap>>();
        foreach (var tap in taps ?? Array.Empty<LayerTap>())
        {
            this.RequireLayer(tap.Layer);
            if (!tapsByLayer.TryGetValue(tap.Layer, out var list)) tapsByLayer[tap.Layer] = list = new List<LayerTap>();
            list.Add(tap);
        }

        using var scope = torch.NewDisposeScope();
        var logits = BatchLeading ? RunBatched(input, tapsByLayer) : RunRows(input, tapsByLayer);
        return scope.MoveToOuter(logits);
    }

    /// <summary>The whole batch through each node at once (graphs whose batch axis stays leading).</summary>
    private Tensor RunBatched(Tensor input, Dictionary<string, List<LayerTap>> tapsByLayer)
    {
        var values = new Dictionary<string, Tensor> { [_inputName] = input };
        for (int i = 0; i < _nodes.Length; i++)
        {
            var node = _nodes[i];
            var args = Arguments(node, name => values[name]);
            if (OnnxOperators.BatchFollowing.Contains(node.OpType)) FollowBatch(node, args);
            var outputs = Execute(node, args);
            for (int k = 0; k < node.Outputs.Count && k < outputs.Length; k++)
            {
                string name = node.Outputs[k];
                if (name.Length == 0) { outputs[k].Dispose(); continue; }
                var value = outputs[k];
                if (tapsByLayer.TryGetValue(name, out var layerTaps))
                    foreach (var tap in layerTaps)
                        value = tap.OnOutput(value) ?? value;
                values[name] = value;
                if (IsUnread(name, tapsByLayer))
                {
                    value.Dispose(); // an output nobody reads (Dropout mask)
                    values.Remove(name);
                }
            }

            // Free what no later node reads. Autograd keeps its own references to saved tensors, so
            // disposing our handle never breaks a later backward.
            foreach (var name in DeadAfter(node, i, tapsByLayer))
                if (values.Remove(name, out var dead)) dead.Dispose();
        }
        return values.TryGetValue(_outputName, out var y) ? y : _constants[_outputName];
    }

    /// <summary>
    /// Graphs that are not <see cref="BatchLeading"/> hard-code the export batch of 1 inside (attention
    /// reshapes such as [197, 4, 32] merge it with the heads), so every node runs once per row at batch 1.
    /// Taps still see the whole batch: at a tapped tensor the rows are concatenated, the taps run, and the
    /// result is split into rows again — so a capture's leaf, Score-CAM's batches and Ablation-CAM's
    /// larger batch of copies (each sample's copies adjacent; later rows read their sample's tensors) all
    /// work as on a CNN graph. Logits are the rows' logits in order.
    /// </summary>
    private Tensor RunRows(Tensor input, Dictionary<string, List<LayerTap>> tapsByLayer)
    {
        if (_context.ExportBatch != 1)
            throw new InvalidOperationException($"{_file}: the graph was exported for batch {_context.ExportBatch} and moves its batch axis; export it for batch 1");
        var values = new Dictionary<string, Tensor[]> { [_inputName] = Rows(input) };
        for (int i = 0; i < _nodes.Length; i++)
        {
            var node = _nodes[i];
            int rows = node.Inputs.Where(n => n.Length > 0 && values.ContainsKey(n)).Select(n => values[n].Length).DefaultIfEmpty(1).Max();
            var perRow = new Tensor[rows][];
            for (int r = 0; r < rows; r++)
            {
                int row = r;
                var args = Arguments(node, name =>
                {
                    var v = values[name];
                    if (rows % v.Length != 0) throw node.Error($"input '{name}' has {v.Length} rows, another input has {rows}: not a multiple");
                    return v[row / (rows / v.Length)];
                });
                perRow[r] = Execute(node, args);
            }
            for (int k = 0; k < node.Outputs.Count; k++)
            {
                string name = node.Outputs[k];
                var column = perRow.Select(o => k < o.Length ? o[k] : null).ToArray();
                if (name.Length == 0 || column.Any(t => t is null)) { foreach (var t in column) t?.Dispose(); continue; }
                var value = column!;
                if (tapsByLayer.TryGetValue(name, out var layerTaps))
                {
                    var whole = torch.cat(value!, 0);
                    foreach (var tap in layerTaps)
                        whole = tap.OnOutput(whole) ?? whole;
                    value = Rows(whole);
                }
                values[name] = value!;
                if (IsUnread(name, tapsByLayer))
                {
                    foreach (var t in value) t!.Dispose();
                    values.Remove(name);
                }
            }
            foreach (var name in DeadAfter(node, i, tapsByLayer))
                if (values.Remove(name, out var dead))
                    foreach (var t in dead) t.Dispose();
        }
        return values.TryGetValue(_outputName, out var y) ? torch.cat(y, 0) : _constants[_outputName];
    }

    private static Tensor[] Rows(Tensor batch) => Enumerable.Range(0, (int)batch.shape[0]).Select(r => batch.narrow(0, r, 1)).ToArray();

    private Tensor?[] Arguments(OnnxNode node, Func<string, Tensor> computed)
    {
        var args = new Tensor?[node.Inputs.Count];
        for (int j = 0; j < args.Length; j++)
        {
            string name = node.Inputs[j];
            if (name.Length == 0) continue;
            args[j] = _constants.TryGetValue(name, out var c) ? c : computed(name);
        }
        return args;
    }

    private Tensor[] Execute(OnnxNode node, Tensor?[] args)
    {
        try
        {
            return OnnxOperators.Kernels[node.OpType](node, args, _context);
        }
        catch (Exception e) when (e is ArgumentException or ExternalException)
        {
            // TorchSharp reports shape errors as ExternalException; name the node so the model is debuggable.
            string message = e.Message.Split('\n')[0].Trim(); // libtorch appends a native stack trace
            throw node.Error($"{message} (input shapes: {string.Join("; ", args.Select(a => a is null ? "none" : "[" + string.Join(",", a.shape) + "]"))})");
        }
    }

    /// <summary>An output no node reads and no tap or graph output needs (Dropout mask).</summary>
    private bool IsUnread(string name, Dictionary<string, List<LayerTap>> tapsByLayer) =>
        !_lastUse.ContainsKey(name) && name != _outputName && !tapsByLayer.ContainsKey(name);

    /// <summary>Inputs of node <paramref name="i"/> that no later node reads (never the graph input/output or a tapped tensor).</summary>
    private IEnumerable<string> DeadAfter(OnnxNode node, int i, Dictionary<string, List<LayerTap>> tapsByLayer) =>
        node.Inputs.Distinct().Where(name => name.Length > 0 && name != _inputName && name != _outputName
            && _lastUse.TryGetValue(name, out int last) && last == i && !tapsByLayer.ContainsKey(name));

    /// <summary>
    /// Conv nodes with a bias input (the conv bias) and BatchNormalization nodes (b = β − μ·γ/√(σ²+ε),
    /// pytorch-grad-cam FullGrad get_bias_data); Layer = the node's output tensor name.
    /// </summary>
    public IReadOnlyList<BiasLayer> BiasLayers()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var result = new List<BiasLayer>();
        using var noGrad = torch.no_grad();
        foreach (var n in _nodes)
        {
            if (n.OpType == "Conv" && n.HasInput(2))
                result.Add(new BiasLayer(n.Outputs[0], Constant(n, 2).clone()));
            else if (n.OpType == "BatchNormalization")
            {
                var gamma = Constant(n, 1);
                var beta = Constant(n, 2);
                var mean = Constant(n, 3);
                var variance = Constant(n, 4);
                result.Add(new BiasLayer(n.Outputs[0], beta - mean * gamma / torch.sqrt(variance + n.Float("epsilon", 1e-5f))));
            }
        }
        return result;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        // A randomised copy shares the trained model's constants and owns only the ones it re-drew.
        foreach (var (name, t) in _constants)
            if (_owned is null || _owned.Contains(name)) t.Dispose();
        _constants.Clear();
    }

    private Tensor Constant(OnnxNode n, int input) =>
        _constants.TryGetValue(n.Inputs[input], out var t) ? t
            : throw n.Error($"input {input} ('{n.Inputs[input]}') is computed, not an initializer; cannot read it as a bias");

    private Tensor Freeze(Tensor t)
    {
        var moved = t.to(Device);
        if (!ReferenceEquals(moved, t)) t.Dispose();
        moved.requires_grad = false;
        return moved.DetachFromDisposeScope();
    }

    /// <summary>A Constant node's value, decoded on the host like the initialisers; <see cref="Freeze"/> moves it to the model's device.</summary>
    private static Tensor ConstantValue(OnnxNode n, string baseDir)
    {
        if (n.TensorAttribute("value") is TensorProto proto) return OnnxTensors.ToTensor(proto, baseDir, n.File);
        if (n.HasAttribute("value_float")) return torch.tensor(n.Float("value_float", 0), device: torch.CPU);
        if (n.Floats("value_floats") is float[] fs) return torch.tensor(fs, device: torch.CPU);
        if (n.HasAttribute("value_int")) return torch.tensor(n.Int("value_int", 0), device: torch.CPU);
        if (n.Ints("value_ints") is long[] ls) return torch.tensor(ls, device: torch.CPU);
        throw n.Error("supported value attributes are value, value_float(s), value_int(s)");
    }

    /// <summary>Every node whose operator the interpreter does not run, reported at load time.</summary>
    private void RejectUnsupported(List<OnnxNode> nodes)
    {
        var bad = nodes.Where(n => !(n.Proto.Domain is "" or "ai.onnx") ||
                                   (n.OpType != OnnxOperators.ConstantOp && !OnnxOperators.Kernels.ContainsKey(n.OpType))).ToList();
        if (bad.Count == 0) return;
        var first = bad[0];
        string domain = first.Proto.Domain is "" or "ai.onnx" ? "" : $" of domain '{first.Proto.Domain}'";
        string others = bad.Count > 1 ? $" ({bad.Count} unsupported nodes in all, operators: {string.Join(", ", bad.Select(b => b.OpType).Distinct())})" : "";
        throw new NotSupportedException(
            $"{_file}: unsupported ONNX operator '{first.OpType}'{domain} at node '{first.Name}'{others}. Supported operators: {string.Join(", ", OnnxOperators.SupportedOps)}");
    }

    private bool KeepsBatchLeading(OnnxNode n) => n.OpType switch
    {
        "Transpose" => n.Ints("perm") is long[] perm && perm.Length > 0 && perm[0] == 0,
        "Reshape" => !_constants.TryGetValue(n.Inputs[1], out var shape) || shape.numel() == 0
                     || shape.reshape(-1)[0].ToInt64() is var first && (first == _context.ExportBatch || first == 0),
        _ => true,
    };

    /// <summary>
    /// Nodes whose inputs are all constants (Identity on an initializer, the ConstantOfShape/Equal/Where
    /// chains PyTorch exports for shapes) are run once here and become frozen constants; they are then no
    /// layers and never follow a tap's batch.
    /// </summary>
    private OnnxNode[] FoldConstants(OnnxNode[] order)
    {
        var kept = new List<OnnxNode>(order.Length);
        foreach (var node in order)
        {
            var inputs = node.Inputs.Where(i => i.Length > 0).ToList();
            if (inputs.Count == 0 || !inputs.All(_constants.ContainsKey) || node.Outputs.Contains(_outputName))
            {
                kept.Add(node);
                continue;
            }
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var args = node.Inputs.Select(i => i.Length == 0 ? null : _constants[i]).ToArray();
            Tensor[] outputs;
            try
            {
                outputs = OnnxOperators.Kernels[node.OpType](node, args, _context);
            }
            catch (Exception e) when (e is ArgumentException or ExternalException)
            {
                throw node.Error(e.Message.Split('\n')[0].Trim());
            }
            for (int k = 0; k < node.Outputs.Count && k < outputs.Length; k++)
                if (node.Outputs[k].Length > 0)
                    _constants[node.Outputs[k]] = Freeze(outputs[k].clone());
        }
        return kept.ToArray();
    }

    /// <summary>Kahn's algorithm, stable in file order (ONNX requires sorted nodes; some exporters do not comply).</summary>
    private OnnxNode[] TopologicalOrder(List<OnnxNode> nodes)
    {
        var available = new HashSet<string>(_constants.Keys) { _inputName };
        var remaining = new List<OnnxNode>(nodes);
        var order = new List<OnnxNode>(nodes.Count);
        while (remaining.Count > 0)
        {
            int ready = remaining.FindIndex(n => n.Inputs.All(i => i.Length == 0 || available.Contains(i)));
            if (ready < 0)
            {
                var stuck = remaining[0];
                string missing = stuck.Inputs.First(i => i.Length > 0 && !available.Contains(i));
                bool produced = remaining.Any(n => n.Outputs.Contains(missing));
                throw stuck.Error(produced ? $"the graph has a cycle through tensor '{missing}'" : $"input tensor '{missing}' is produced by no node, initializer or graph input");
            }
            var node = remaining[ready];
            remaining.RemoveAt(ready);
            order.Add(node);
            foreach (var o in node.Outputs.Where(o => o.Length > 0))
                if (!available.Add(o)) throw node.Error($"tensor '{o}' is produced twice");
        }
        return order.ToArray();
    }

    /// <summary>
    /// A tap may return a larger batch (K·N, each sample's K copies adjacent). Computed operands with a
    /// smaller batch that divides it are repeated to match; constants are left to broadcasting.
    /// </summary>
    private void FollowBatch(OnnxNode node, Tensor?[] args)
    {
        long batch = 0;
        for (int j = 0; j < args.Length; j++)
            if (Follows(node, args, j)) batch = Math.Max(batch, args[j]!.shape[0]);
        for (int j = 0; j < args.Length; j++)
        {
            if (!Follows(node, args, j) || args[j]!.shape[0] == batch) continue;
            var t = args[j]!;
            if (t.shape[0] == 0 || batch % t.shape[0] != 0)
                throw node.Error($"input '{node.Inputs[j]}' has batch {t.shape[0]}, another input has {batch}: not a multiple");
            if (node.OpType != "Concat" && t.shape[0] == 1) continue; // plain broadcasting does it
            args[j] = t.repeat_interleave(batch / t.shape[0], dim: 0);
        }
    }

    /// <summary>Computed floating-point operands with a batch axis follow; constants and int64 shape arithmetic do not.</summary>
    private bool Follows(OnnxNode node, Tensor?[] args, int j) =>
        args[j] is Tensor t && t.dim() > 0 && t.is_floating_point() && !_constants.ContainsKey(node.Inputs[j]);
}
