using GuidedCam.Core;
using GuidedCam.Harness.Models.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Models;

/// <summary>
/// Applies a <see cref="ModelPerturbation"/> to a freshly loaded model. Weights: every learnable weight and
/// bias w becomes w·(1 + σ z), z ~ N(0, 1) (multiplicative N(1, σ), MetaQuantus' model perturbation; PyTorch's
/// parameters, i.e. not batch-norm running statistics). Input: every input the model sees gets the same
/// additive noise field ε ~ N(0, σ²) of its shape, so the copy is a fixed function (f(x + ε)): its maps and
/// values do not depend on batch composition, shard or thread count. The normal draws come from SplitMix64
/// (Box–Muller) seeded by (seed, tensor name) — the same on every machine, in any parameter order.
/// </summary>
public static class ModelNoise
{
    public static IClassifier Apply(IClassifier model, ModelPerturbation perturbation)
    {
        if (perturbation.Weights > 0)
        {
            var weights = model switch
            {
                ModuleClassifier m => m.Module.named_parameters().Select(p => (p.name, p.parameter as Tensor)).ToList(),
                OnnxClassifier o => o.LearnableInitializers().ToList(),
                _ => throw new ArgumentException($"model '{model.Name}': `perturb.weights` needs a TorchSharp or ONNX-interpreted model, not {model.GetType().Name}"),
            };
            using (torch.no_grad())
                foreach (var (name, tensor) in weights)
                {
                    if (tensor.dtype != ScalarType.Float32) continue;
                    var values = tensor.cpu().data<float>().ToArray();
                    var noise = Normals(values.Length, perturbation.Seed, "weights|" + name);
                    for (int i = 0; i < values.Length; i++) values[i] = (float)(values[i] * (1 + perturbation.Weights * noise[i]));
                    using var replacement = torch.tensor(values, tensor.shape, ScalarType.Float32, device: tensor.device);
                    tensor.copy_(replacement);
                }
        }
        return perturbation.Input > 0 ? new InputNoiseClassifier(model, perturbation.Input, perturbation.Seed) : model;
    }

    /// <summary><paramref name="count"/> standard normal draws of the stream (seed, name), Box–Muller on SplitMix64.</summary>
    public static double[] Normals(int count, int seed, string name)
    {
        var rng = new SplitMix64((ulong)seed ^ (Fnv1a.Hash(name) * SplitMix64.Gamma));
        var z = new double[count];
        for (int i = 0; i < count; i += 2)
        {
            double u1 = 1 - rng.NextUnit(), u2 = rng.NextUnit(); // u1 in (0, 1]: the log is finite
            double r = Math.Sqrt(-2 * Math.Log(u1));
            z[i] = r * Math.Cos(2 * Math.PI * u2);
            if (i + 1 < count) z[i + 1] = r * Math.Sin(2 * Math.PI * u2);
        }
        return z;
    }
}
