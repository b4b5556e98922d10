using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Metrics;

/// <summary>
/// p_c = softmax(logits)_c, the score of every confidence metric (Grad-CAM++ AD/IC, RISE deletion /
/// insertion). Computed as exp(log_softmax) in float64 so that a tiny probability of a ground-truth
/// class never underflows to 0 (which would make Average Drop's division 0/0).
/// </summary>
public static class ClassProbability
{
    /// <summary>p of class targets[i] for each row i of the N×C logits.</summary>
    public static double[] Of(Tensor logits, long[] targets)
    {
        if (logits.dim() != 2 || logits.shape[0] != targets.Length)
            throw new ArgumentException($"logits are [{string.Join("×", logits.shape)}], expected {targets.Length}×C");
        long classes = logits.shape[1];
        foreach (long t in targets)
            if (t < 0 || t >= classes)
                throw new ArgumentException($"target class {t} is outside the model's {classes} classes");
        using var scope = torch.NewDisposeScope();
        var logp = logits.detach().to(torch.CPU).to_type(ScalarType.Float64).log_softmax(1);
        var index = torch.tensor(targets, dtype: ScalarType.Int64, device: torch.CPU).unsqueeze(1);
        var picked = logp.gather(1, index).squeeze(1).exp();
        return picked.data<double>().ToArray();
    }
}
