using GuidedCam.Core;
using TorchSharp;

namespace GuidedCam.Methods;

/// <summary>Every method's result, in the order asked, and the passes the whole group spent.</summary>
/// <param name="Results">One result per method, same order as the methods given.</param>
/// <param name="ForwardPasses">Network invocations for the whole batch: the shared capture plus each method's own.</param>
/// <param name="BackwardPasses">Backward passes for the whole batch: the shared capture's plus each method's own.</param>
public sealed record MethodGroupResult(IReadOnlyList<SaliencyResult> Results, int ForwardPasses, int BackwardPasses);

/// <summary>
/// Computes several methods' maps for one batch and one target vector from one capture at the target
/// layer: one forward and one backward serve every gradient method (Grad-CAM, Grad-CAM++, XGrad-CAM,
/// Layer-CAM, Eigen-Grad-CAM, HiRes-CAM, element-wise Grad-CAM, the global-guidance CAM with any
/// options), and the gradient-free CAM methods (Eigen-CAM, Score-CAM, Ablation-CAM, the random-weights
/// baseline) read the same capture's activations and logits instead of running their own forward.
/// Score-CAM's masked forwards and Ablation-CAM's re-runs of the layers after the target layer are the
/// methods' own and stay. The maps are those of each method's <see cref="ISaliencyMethod.Explain"/>:
/// A, G and the logits of a capture do not depend on which method asked for it (the backward of
/// Σ_n f(x_n)_{c_n} is the same graph), and the gradient-free methods never read G.
///
/// Methods that are not <see cref="CamMethod"/>s keep their own path: FullGrad needs the gradient to
/// flow through the target layer down to the input and every bias layer, which the capture cuts on
/// purpose (the detached leaf that makes its backward stop at the layer, about the cost of one
/// forward); taking FullGrad's full-depth backward for everyone would cost each gradient method 2–3×.
/// The center baseline runs no network at all.
/// </summary>
public static class MethodGroup
{
    /// <summary>
    /// <see cref="ExplainAll"/> one image at a time, the results joined in order. A capture's values
    /// depend on the shape of the batch it was taken of (the convolutions' kernels and reduction order
    /// follow it), so a map computed with other images beside it would depend on which images those were:
    /// on the batch, the shard and what a resumed run still lacked. One image per capture is a shape that
    /// never changes, and on CPU costs about what a batch does per image (docs/spec/determinism.md).
    /// </summary>
    public static MethodGroupResult ExplainEach(IReadOnlyList<ISaliencyMethod> methods, SaliencyRequest request)
    {
        long n = request.Input.shape[0];
        if (n == 1) return ExplainAll(methods, request);
        var parts = new List<MethodGroupResult>();
        int forward = 0, backward = 0;
        using var scope = torch.NewDisposeScope();
        for (long i = 0; i < n; i++)
        {
            var one = new SaliencyRequest { Model = request.Model, Input = request.Input.narrow(0, i, 1), Targets = [request.Targets[i]], Layer = request.Layer, Seed = request.Seed };
            var r = ExplainAll(methods, one);
            parts.Add(r);
            forward += r.ForwardPasses;
            backward += r.BackwardPasses;
        }
        var results = new SaliencyResult[methods.Count];
        for (int m = 0; m < methods.Count; m++)
        {
            var each = parts.Select(p => p.Results[m]).ToArray();
            var low = each.All(r => r.LowRes is not null) ? scope.MoveToOuter(torch.cat(each.Select(r => r.LowRes!).ToArray(), 0)) : null;
            results[m] = new SaliencyResult
            {
                Maps = scope.MoveToOuter(torch.cat(each.Select(r => r.Maps).ToArray(), 0)),
                LowRes = low,
                ConstantMaps = each.Sum(r => r.ConstantMaps),
                ForwardPasses = each.Sum(r => r.ForwardPasses),
                BackwardPasses = each.Sum(r => r.BackwardPasses),
            };
        }
        return new MethodGroupResult(results, forward, backward);
    }

    public static MethodGroupResult ExplainAll(IReadOnlyList<ISaliencyMethod> methods, SaliencyRequest request)
    {
        var cams = methods.OfType<CamMethod>().ToArray();
        CaptureResult? capture = null;
        bool withGradients = cams.Any(c => c.UsesGradients);
        var results = new SaliencyResult[methods.Count];
        int forward = 0, backward = 0;
        using var scope = torch.NewDisposeScope();
        if (cams.Length > 0)
        {
            capture = LayerCapture.Capture(request.Model, request.Input, request.Targets, request.ResolvedLayer, withGradients);
            forward++;
            if (withGradients) backward++;
        }
        for (int i = 0; i < methods.Count; i++)
        {
            var r = methods[i] is CamMethod cam ? cam.ExplainFrom(request, capture!) : methods[i].Explain(request);
            forward += r.ForwardPasses;
            backward += r.BackwardPasses;
            results[i] = r;
            scope.MoveToOuter(r.Maps);
            if (r.LowRes is not null) scope.MoveToOuter(r.LowRes);
        }
        return new MethodGroupResult(results, forward, backward);
    }
}
