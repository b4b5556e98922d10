using GuidedCam.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Methods;

/// <summary>
/// Random-weights CAM, a sanity baseline (pytorch-grad-cam random_cam.py): w_k ~ U(−1, 1) and
/// raw = Σ_k w_k A_k, so the map keeps the layer's spatial structure but none of the class evidence.
///
/// Deterministic per sample: each sample's weights come from SplitMix64 (Steele et al. 2014) seeded
/// with the run's seed, the sample's target and a FNV-1a hash of its input values, so the same image,
/// target and seed give the same map whatever batch it is in and at whatever position. (The reference
/// draws from NumPy's global generator, which depends on everything run before.) The weights ignore
/// gradients, so no backward pass is spent (the reference does one and discards it).
/// </summary>
public sealed class RandomCam(IReadOnlyDictionary<string, string>? options = null) : CamMethod(options)
{
    public override string Id => "random";
    public override string DisplayName => "Random-weights CAM (sanity baseline)";
    public override MethodFamily Family => MethodFamily.Baseline;
    public override bool IsBaseline => true;
    public override bool UsesSeed => true;
    protected override bool NeedsGradients => false;

    protected override Tensor ComputeRaw(CamContext ctx)
    {
        var a = ctx.Activations;
        long n = a.shape[0], k = a.shape[1];
        var weights = new float[n * k];
        for (long s = 0; s < n; s++)
        {
            var rng = SampleRandom(ctx.Request.Seed, ctx.Request.Targets[s], ctx.Request.Input[s]);
            for (long c = 0; c < k; c++)
                weights[s * k + c] = (float)(2.0 * rng.NextUnit() - 1.0);
        }
        var w = torch.tensor(weights, new long[] { n, k }, dtype: ScalarType.Float32, device: a.device).to(a.dtype);
        return WeightedSum(w, a);
    }

    /// <summary>The generator of one sample: seeded from (run seed, target, 64-bit FNV-1a of the sample's float32 input bits).</summary>
    private static SplitMix64 SampleRandom(int seed, long target, Tensor sample)
    {
        using var scope = torch.NewDisposeScope();
        var values = sample.detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        var rng = new SplitMix64((ulong)(uint)seed ^ (Fnv1a.Hash(values) * SplitMix64.Gamma) ^ ((ulong)target << 32));
        rng.NextUInt64(); // one step, so the seeds' structure does not show in the first weight
        return rng;
    }
}
