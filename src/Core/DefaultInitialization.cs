using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Core;

/// <summary>
/// PyTorch's default initialisation of a layer's parameters, drawn from an explicit seeded generator
/// (never the global one) so the randomisation test is reproducible:
/// <list type="bullet">
/// <item>Conv / Linear weight: kaiming_uniform_(a = √5), i.e. U(−b, b) with b = gain·√(3/fan_in),
/// gain = √(2/(1 + a²)) = √(1/3), hence b = 1/√fan_in (torch.nn.Conv2d/Linear.reset_parameters);
/// fan_in = shape[1]·∏shape[2:] (torch.nn.init._calculate_fan_in_and_fan_out).</item>
/// <item>Their bias: U(−1/√fan_in, 1/√fan_in) with the weight's fan_in.</item>
/// <item>Normalisation layers (BatchNorm, LayerNorm, GroupNorm, InstanceNorm): weight 1, bias 0,
/// running mean 0, running variance 1 (reset_parameters + reset_running_stats).</item>
/// </list>
/// The seed of layer i is derived from (seed, i) with SplitMix64 (Steele et al. 2014).
/// </summary>
public static class DefaultInitialization
{
    /// <summary>The generator seed of layer <paramref name="layerIndex"/> under run seed <paramref name="seed"/>.</summary>
    public static ulong LayerSeed(int seed, int layerIndex)
    {
        ulong z = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)(layerIndex + 1) * 0xD1B54A32D192ED03UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>fan_in of a weight tensor shaped like PyTorch's (out, in, k…): in·∏k; a 1-D tensor counts its length.</summary>
    public static long FanIn(long[] weightShape) =>
        weightShape.Length < 2 ? Math.Max(1, weightShape.Length == 0 ? 1 : weightShape[0]) : weightShape.Skip(1).Aggregate(1L, (a, b) => a * b);

    /// <summary>U(−1/√fan_in, 1/√fan_in) of the given shape, float32 on the CPU (the bound shared by Conv/Linear weights and biases).</summary>
    public static Tensor Uniform(long[] shape, long fanIn, Generator generator)
    {
        double bound = 1.0 / Math.Sqrt(Math.Max(1, fanIn));
        using var u = torch.rand(shape, ScalarType.Float32, device: torch.CPU, generator: generator);
        return u.mul(2 * bound).sub_(bound);
    }

    /// <summary>
    /// Re-draws one layer in place. <paramref name="parameters"/> are the layer's own tensors by role
    /// name: weight, bias (drawn) or, for <paramref name="normalization"/> layers, weight, bias,
    /// running_mean, running_var (constants). <paramref name="fanIn"/> is the weight's fan_in for drawn layers.
    /// </summary>
    public static void Apply(IReadOnlyList<(string Role, Tensor Value)> parameters, bool normalization, long fanIn, int seed, int layerIndex)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var generator = new Generator(LayerSeed(seed, layerIndex));
        foreach (var (role, value) in parameters)
        {
            if (normalization)
            {
                double constant = role is "bias" or "running_mean" ? 0.0 : 1.0;
                value.fill_(constant);
                continue;
            }
            var drawn = Uniform(value.shape, fanIn, generator);
            value.copy_(drawn.to(value.dtype).to(value.device));
        }
    }
}
