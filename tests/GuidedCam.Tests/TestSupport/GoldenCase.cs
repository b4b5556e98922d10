using System.Text.Json;
using GuidedCam.Core;
using GuidedCam.Methods;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Tests.TestSupport;

/// <summary>How far one method's maps are from the reference's for one target of a golden case.</summary>
public sealed record GoldenError(string Method, long Target, double LowResRelative, double Final)
{
    public override string ToString() =>
        $"{Method,-20} target {Target,4}: lowres {(double.IsNaN(LowResRelative) ? "   (none)" : LowResRelative.ToString("0.00e+0"))} (rel), final {Final:0.00e+0}";
}

/// <summary>
/// One folder of ../shared/golden (README.md there): the exact input, the reference's logits and,
/// per target, A, G and every method's low-resolution and final map from pytorch-grad-cam 1.5.5.
/// Generic over the classifier and the layer name, so the same checks serve the TorchSharp ResNet-18
/// and the imported SqueezeNet ONNX graph (layer "squeezenet0_concat7").
/// </summary>
public sealed class GoldenCase
{
    /// <summary>Tolerances of golden/README.md: low-res max |Δ| relative to the golden map's max |value|; final maps absolute.</summary>
    public const double LowResTolerance = 1e-4;
    public const double FinalTolerance = 1e-3;

    /// <summary>Every method the golden cases hold maps for (golden/README.md "Methods").</summary>
    public static readonly IReadOnlyList<string> Methods = new[]
    {
        "gradcam", "gradcampp", "xgradcam", "scorecam", "ablationcam", "eigencam", "eigengradcam",
        "layercam", "fullgrad", "guidedcam", "hirescam", "gradcam-elementwise",
    };

    /// <summary>
    /// One call for a test row: loads the case in <paramref name="caseFolder"/>, runs the method for
    /// all the case's targets at <paramref name="layer"/> and asserts the README tolerances.
    /// Returns the errors for the test's output.
    /// </summary>
    public static IReadOnlyList<GoldenError> Check(IClassifier model, string caseFolder, string layer, string methodId)
    {
        using var scope = torch.NewDisposeScope();
        var (errors, _) = Load(caseFolder).Compare(model, layer, methodId);
        AssertWithinTolerance(errors);
        return errors;
    }

    private GoldenCase(string folder, string layer, string? onnxLayer, long[] targets, Npy.Array input, Npy.Array logits)
    {
        Folder = folder;
        Layer = layer;
        OnnxLayer = onnxLayer;
        Targets = targets;
        InputArray = input;
        LogitsArray = logits;
    }

    public string Folder { get; }
    /// <summary>The case's target layer as case.json names it (a module path).</summary>
    public string Layer { get; }
    /// <summary>The same layer as an ONNX tensor name (case.json "onnx_layer"), for imported graphs; null when the case has none.</summary>
    public string? OnnxLayer { get; }
    public long[] Targets { get; }
    public Npy.Array InputArray { get; }
    public Npy.Array LogitsArray { get; }

    /// <summary>Loads case.json, input.npy and logits.npy of a case folder (e.g. SharedPaths.Require("golden", "resnet18-seed0-eagle")).</summary>
    public static GoldenCase Load(string folder)
    {
        string jsonPath = Path.Combine(folder, "case.json");
        using var doc = JsonDocument.Parse(System.IO.File.ReadAllText(jsonPath));
        var root = doc.RootElement;
        string layer = root.TryGetProperty("layer", out var l) && l.ValueKind == JsonValueKind.String
            ? l.GetString()! : throw new InvalidDataException($"{jsonPath}: no 'layer'");
        string? onnxLayer = root.TryGetProperty("onnx_layer", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
        long[] targets = root.TryGetProperty("targets", out var t) && t.ValueKind == JsonValueKind.Array
            ? t.EnumerateArray().Select(e => e.GetInt64()).ToArray() : throw new InvalidDataException($"{jsonPath}: no 'targets'");
        return new GoldenCase(folder, layer, onnxLayer, targets, Npy.ReadFloat32(Path.Combine(folder, "input.npy")), Npy.ReadFloat32(Path.Combine(folder, "logits.npy")));
    }

    /// <summary>The stored input, 1×3×H×W (already normalised), repeated <paramref name="copies"/> times along the batch.</summary>
    public Tensor Input(int copies = 1, Device? device = null)
    {
        var x = torch.tensor(InputArray.Data, InputArray.Shape, dtype: ScalarType.Float32, device: device);
        return copies == 1 ? x : x.expand(copies, -1, -1, -1).contiguous();
    }

    /// <summary>Golden array of a target folder, e.g. File(238, "gradcam.lowres.npy"), or null when the file does not exist.</summary>
    public Npy.Array? File(long target, string name)
    {
        string p = Path.Combine(Folder, $"target-{target}", name);
        return System.IO.File.Exists(p) ? Npy.ReadFloat32(p) : null;
    }

    /// <summary>Max |Δ| between the model's logits for the stored input and logits.npy.</summary>
    public double LogitsError(IClassifier model)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var logits = model.Forward(Input(device: model.Device)).reshape(-1);
        return MaxAbs(logits, LogitsArray.Data);
    }

    /// <summary>Relative max errors of A and G captured at <paramref name="layer"/> for one target against activations.npy / gradients.npy.</summary>
    public (double Activations, double Gradients) CaptureError(IClassifier model, string layer, long target)
    {
        using var scope = torch.NewDisposeScope();
        var cap = LayerCapture.Capture(model, Input(device: model.Device), new[] { target }, layer, withGradients: true);
        var a = Require(target, "activations.npy");
        var g = Require(target, "gradients.npy");
        return (MaxAbs(cap.Activations.reshape(-1), a.Data) / MaxAbs(a.Data),
                MaxAbs(cap.Gradients!.reshape(-1), g.Data) / MaxAbs(g.Data));
    }

    /// <summary>
    /// Runs the method once on a batch made of the stored input repeated once per target (so every
    /// method is also checked batched) and compares each sample with the golden maps of its target:
    /// the low-resolution map (when the reference has one) relative to its max |value|, and the final map.
    /// A method without a low-res map must match a case without one (FullGrad). Returns the errors and the result.
    /// </summary>
    public (IReadOnlyList<GoldenError> Errors, SaliencyResult Result) Compare(IClassifier model, string layer, string methodId,
        IReadOnlyList<long>? targets = null, IReadOnlyDictionary<string, string>? options = null)
    {
        var ts = (targets ?? Targets).ToArray();
        var method = MethodRegistry.BuiltIn.Create(methodId, options);
        var result = method.Explain(new SaliencyRequest { Model = model, Input = Input(ts.Length, model.Device), Targets = ts, Layer = layer });
        var errors = new List<GoldenError>();
        for (int s = 0; s < ts.Length; s++)
        {
            var goldenFinal = Require(ts[s], $"{methodId}.npy");
            double final = MaxAbs(result.Maps[s].reshape(-1), goldenFinal.Data);
            var goldenLow = File(ts[s], $"{methodId}.lowres.npy");
            double low = double.NaN;
            if (goldenLow != null)
            {
                if (result.LowRes is null) throw new InvalidOperationException($"{methodId} gives no low-res map but {Folder}/target-{ts[s]} has one");
                low = MaxAbs(result.LowRes[s].reshape(-1), goldenLow.Data) / MaxAbs(goldenLow.Data);
            }
            else if (result.LowRes is not null)
            {
                throw new InvalidOperationException($"{methodId} gives a low-res map but {Folder}/target-{ts[s]} has none to compare it with");
            }
            errors.Add(new GoldenError(methodId, ts[s], low, final));
        }
        return (errors, result);
    }

    /// <summary>Asserts the README tolerances on the errors of <see cref="Compare"/>.</summary>
    public static void AssertWithinTolerance(IEnumerable<GoldenError> errors)
    {
        foreach (var e in errors)
        {
            Assert.True(double.IsNaN(e.LowResRelative) || e.LowResRelative <= LowResTolerance, $"low-res map too far from the reference: {e}");
            Assert.True(e.Final <= FinalTolerance, $"final map too far from the reference: {e}");
        }
    }

    private Npy.Array Require(long target, string name) =>
        File(target, name) ?? throw new FileNotFoundException($"golden file missing: {Path.Combine(Folder, $"target-{target}", name)}");

    private static double MaxAbs(float[] data) => data.Max(v => Math.Abs((double)v));

    private static double MaxAbs(Tensor ours, float[] golden)
    {
        var values = ours.detach().to(ScalarType.Float32).cpu().data<float>().ToArray();
        if (values.Length != golden.Length) throw new InvalidOperationException($"shape mismatch: {values.Length} values against {golden.Length} in the golden file");
        double m = 0;
        for (int i = 0; i < values.Length; i++) m = Math.Max(m, Math.Abs((double)values[i] - golden[i]));
        return m;
    }
}
