using System.Runtime.CompilerServices;
using GuidedCam.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Metrics;

/// <summary>
/// The two forward passes behind Average Drop and Increase in Confidence (Grad-CAM++, Chattopadhyay
/// et al. 2018, Sec. 5.1): Y = p_c(x) from the batch's clean logits and O = p_c(E) with E = x ⊙ S.
/// Both metrics read the same numbers: the result is cached on the batch object (weakly, so it goes
/// with the batch), once per masking convention.
/// </summary>
public static class MaskedConfidence
{
    public const string Normalized = "normalized";
    public const string Pixel = "pixel";

    private static readonly ConditionalWeakTable<MetricBatch, Dictionary<string, (double[] Clean, double[] Masked)>> Cache = new();

    /// <summary>One masked forward per unit, shared by every metric that reads the same masking convention.</summary>
    public static MetricCost CostOf(string masking) => new(new PassCost(1, 0), SharedKey: $"masked-confidence:{masking}");

    /// <summary>(Y, O) per unit for the given masking convention, computed once per batch.</summary>
    public static (double[] Clean, double[] Masked) Get(MetricBatch batch, string masking)
    {
        if (masking != Normalized && masking != Pixel)
            throw new ArgumentException($"masking must be '{Normalized}' or '{Pixel}', not '{masking}'");
        var perBatch = Cache.GetValue(batch, _ => new Dictionary<string, (double[], double[])>());
        lock (perBatch)
        {
            if (perBatch.TryGetValue(masking, out var cached)) return cached;
            var result = Compute(batch, masking);
            perBatch[masking] = result;
            return result;
        }
    }

    private static (double[] Clean, double[] Masked) Compute(MetricBatch batch, string masking)
    {
        long[] targets = batch.Targets;
        double[] clean = ClassProbability.Of(batch.CleanLogits, targets);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = batch.Inputs.detach();
        var s = batch.Maps.detach().to(x.device).to_type(x.dtype).unsqueeze(1); // N×1×H×W, broadcast over channels
        Tensor explanation;
        if (masking == Normalized)
        {
            // Multiply the normalised tensor (pytorch-grad-cam's metrics, the reference libraries):
            // a removed pixel becomes 0 = the dataset mean colour.
            explanation = x * s;
        }
        else
        {
            // Multiply the [0,1] RGB image and normalise again: a removed pixel becomes black.
            var mean = torch.tensor(batch.Normalization.Mean, dtype: x.dtype, device: x.device).view(1, 3, 1, 1);
            var std = torch.tensor(batch.Normalization.Std, dtype: x.dtype, device: x.device).view(1, 3, 1, 1);
            explanation = ((x * std + mean) * s - mean) / std;
        }
        var logits = batch.Model.Forward(explanation);
        double[] masked = ClassProbability.Of(logits, targets);
        return (clean, masked);
    }
}
