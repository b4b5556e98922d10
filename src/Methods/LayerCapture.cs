using GuidedCam.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Methods;

/// <summary>Activations A (N×K×h×w), gradients G = ∂Σ_n f(x_n)_{c_n}/∂A (same shape, or null) and logits.</summary>
public sealed record CaptureResult(Tensor Activations, Tensor? Gradients, Tensor Logits);

/// <summary>
/// Captures a layer's activations and the gradient of the target logits with respect to them, for a
/// batch, with one forward and (when asked) one backward pass that stops at the layer.
///
/// How (docs/torchsharp.md): the tap replaces the layer's output by a detached leaf that requires
/// grad, owned by us and outside every dispose scope, and hands the network an alias of it. The
/// network's own scopes may dispose their handles; ours stays valid. Gradients come from
/// autograd.grad on that leaf — never called unless the score requires grad, because autograd.grad on
/// a tensor that does not require grad aborts the process. Everything returned lives in the caller's
/// dispose scope; the leaf itself is disposed here.
/// </summary>
public static class LayerCapture
{
    public static CaptureResult Capture(IClassifier model, Tensor input, long[] targets, string layer, bool withGradients)
    {
        model.RequireLayer(layer);
        if (targets.Length != input.shape[0])
            throw new ArgumentException($"{targets.Length} targets for a batch of {input.shape[0]}");
        Tensor? leaf = null;
        var tap = new LayerTap(layer, output =>
        {
            leaf?.Dispose(); // a module called twice (shared ReLU): the last call wins, as in pytorch-grad-cam
            leaf = output.detach().requires_grad_(withGradients).DetachFromDisposeScope();
            return leaf.alias();
        });
        try
        {
            using var gradMode = torch.enable_grad(withGradients);
            var logits = model.Forward(input, new[] { tap });
            if (leaf is null) throw new InvalidOperationException($"layer '{layer}' of model '{model.Name}' did not run during the forward pass");
            Tensor? grads = null;
            if (withGradients)
            {
                using var idx = torch.tensor(targets, dtype: ScalarType.Int64, device: logits.device).unsqueeze(1);
                var score = logits.gather(1, idx).sum();
                if (!score.requires_grad)
                    throw new InvalidOperationException($"the target score of model '{model.Name}' does not depend on layer '{layer}'");
                grads = CountingClassifier.Gradients(model, score, new[] { leaf }, input.shape[0])[0];
            }
            return new CaptureResult(leaf.detach(), grads?.detach(), logits.detach());
        }
        finally
        {
            leaf?.Dispose();
        }
    }
}
