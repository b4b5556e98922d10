using GuidedCam.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Methods;

/// <summary>Everything a CAM method sees of one batch: the request, A, G (null for gradient-free methods) and logits.</summary>
public sealed class CamContext
{
    public required SaliencyRequest Request { get; init; }
    public required Tensor Activations { get; init; }
    public Tensor? Gradients { get; init; }
    public required Tensor Logits { get; init; }
    /// <summary>Extra forward passes a method spends (Score-CAM, Ablation-CAM) add here.</summary>
    public int ExtraForwardPasses { get; set; }
    public Tensor G => Gradients ?? throw new InvalidOperationException("this method needs gradients but NeedsGradients is false");
}

/// <summary>
/// The template every activation-based method follows (pytorch-grad-cam base_cam.py): capture A and
/// G at the target layer in one forward/backward, compute the raw h×w map (the only step a method
/// overrides), then the shared post-processing of docs/spec/methods.md.
/// </summary>
public abstract class CamMethod : ISaliencyMethod
{
    protected CamMethod(IReadOnlyDictionary<string, string>? options = null)
    {
        Options = OptionResolver.Resolve(Id, DeclaredOptions, options);
    }

    public abstract string Id { get; }
    public abstract string DisplayName { get; }
    public virtual bool IsBaseline => false;
    public abstract MethodFamily Family { get; }
    public virtual MethodNeeds Needs => MethodNeeds.SpatialLayer | (NeedsGradients ? MethodNeeds.Gradients : MethodNeeds.None);
    /// <summary>One forward with the capture, and one backward when the method reads gradients.</summary>
    public virtual PassCost Cost(int channels) => new(1, NeedsGradients ? 1 : 0);
    public virtual bool UsesSeed => false;
    public IReadOnlyDictionary<string, string> Options { get; }
    /// <summary>The options this method takes, with defaults.</summary>
    public virtual IReadOnlyList<OptionSpec> DeclaredOptions => Array.Empty<OptionSpec>();
    /// <summary>False for gradient-free methods (Eigen-CAM, Score-CAM, Ablation-CAM): no backward pass.</summary>
    protected virtual bool NeedsGradients => true;

    /// <summary>The method's raw map, N×h×w, before ReLU and normalisation.</summary>
    protected abstract Tensor ComputeRaw(CamContext ctx);

    /// <summary>False for gradient-free methods: a capture without gradients serves them.</summary>
    public bool UsesGradients => NeedsGradients;

    /// <summary>Captures A (and G when the method needs it) with one forward (and one backward), then <see cref="ExplainFrom"/>.</summary>
    public SaliencyResult Explain(SaliencyRequest request)
    {
        using var scope = torch.NewDisposeScope();
        var cap = LayerCapture.Capture(request.Model, request.Input, request.Targets, request.ResolvedLayer, NeedsGradients);
        var (maps, raw, extra) = Compute(request, cap);
        return new SaliencyResult
        {
            Maps = scope.MoveToOuter(maps),
            LowRes = scope.MoveToOuter(raw),
            ConstantMaps = SaliencyPostProcessing.CountConstant(maps),
            ForwardPasses = 1 + extra,
            BackwardPasses = NeedsGradients ? 1 : 0,
        };
    }

    /// <summary>
    /// The method's maps from a capture already taken of this request (same input, targets and layer;
    /// <see cref="MethodGroup"/> takes one for many methods). Gives the same maps as <see cref="Explain"/>.
    /// The passes reported are the method's own beyond the capture (Score-CAM's masked forwards,
    /// Ablation-CAM's re-runs): the capture's forward and backward belong to whoever took it.
    /// </summary>
    public SaliencyResult ExplainFrom(SaliencyRequest request, CaptureResult capture)
    {
        if (capture.Activations.shape[0] != request.Input.shape[0])
            throw new ArgumentException($"the capture holds {capture.Activations.shape[0]} samples but the request {request.Input.shape[0]}");
        if (NeedsGradients && capture.Gradients is null)
            throw new ArgumentException($"method '{Id}' needs gradients but the capture was taken without them");
        using var scope = torch.NewDisposeScope();
        var (maps, raw, extra) = Compute(request, capture);
        return new SaliencyResult
        {
            Maps = scope.MoveToOuter(maps),
            LowRes = scope.MoveToOuter(raw),
            ConstantMaps = SaliencyPostProcessing.CountConstant(maps),
            ForwardPasses = extra,
            BackwardPasses = 0,
        };
    }

    private (Tensor Maps, Tensor Raw, int ExtraForwardPasses) Compute(SaliencyRequest request, CaptureResult cap)
    {
        if (cap.Activations.dim() != 4)
            throw new ArgumentException($"target layer '{request.ResolvedLayer}' gives a {cap.Activations.dim()}-d output ({string.Join("×", cap.Activations.shape)}); CAM methods need N×K×h×w" +
                (cap.Activations.dim() == 3 ? " (a transformer's tokens: give the model `reshape: vit`, or `--reshape vit`)" : ""));
        var ctx = new CamContext { Request = request, Activations = cap.Activations, Gradients = NeedsGradients ? cap.Gradients : null, Logits = cap.Logits };
        Tensor raw;
        using (torch.no_grad()) raw = ComputeRaw(ctx).to(ScalarType.Float32);
        var maps = SaliencyPostProcessing.Apply(raw, request.Input.shape[2], request.Input.shape[3]);
        return (maps, raw, ctx.ExtraForwardPasses);
    }

    /// <summary>raw = Σ_k w_k A_k for channel weights w (N×K).</summary>
    protected static Tensor WeightedSum(Tensor weights, Tensor activations) =>
        (weights.unsqueeze(-1).unsqueeze(-1) * activations).sum(1);
}
