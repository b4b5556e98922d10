using GuidedCam.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Methods;

/// <summary>
/// Centre-bias baseline: a centred isotropic Gaussian, σ = min(H, W)/4, the same for every image and
/// class; no model is run. Centred on the image's middle in pixel-centre coordinates
/// ((W−1)/2, (H−1)/2); then ReLU and min-max (steps 5–6) so it lies in [0, 1] like every other map.
/// </summary>
public sealed class CenterBaseline : ISaliencyMethod
{
    public CenterBaseline(IReadOnlyDictionary<string, string>? options = null)
    {
        Options = OptionResolver.Resolve(Id, Array.Empty<OptionSpec>(), options);
    }

    public string Id => "center";
    public string DisplayName => "Centre Gaussian (sanity baseline)";
    public IReadOnlyDictionary<string, string> Options { get; }
    public bool IsBaseline => true;
    public MethodFamily Family => MethodFamily.Baseline;
    public MethodNeeds Needs => MethodNeeds.None;
    /// <summary>No model is run.</summary>
    public PassCost Cost(int channels) => PassCost.None;

    public SaliencyResult Explain(SaliencyRequest request)
    {
        using var scope = torch.NewDisposeScope();
        long n = request.Input.shape[0], height = request.Input.shape[2], width = request.Input.shape[3];
        var maps = SaliencyPostProcessing.Finish(Gaussian(height, width, request.Input.device).unsqueeze(0).expand(n, -1, -1).contiguous());
        return new SaliencyResult
        {
            Maps = scope.MoveToOuter(maps),
            LowRes = null,
            ConstantMaps = SaliencyPostProcessing.CountConstant(maps),
            ForwardPasses = 0,
            BackwardPasses = 0,
        };
    }

    /// <summary>exp(−((x − cx)² + (y − cy)²) / (2σ²)) on an H×W grid, σ = min(H, W)/4.</summary>
    public static Tensor Gaussian(long height, long width, Device? device = null)
    {
        using var scope = torch.NewDisposeScope();
        double sigma = Math.Min(height, width) / 4.0;
        var y = torch.arange(height, dtype: ScalarType.Float64, device: device ?? torch.CPU) - (height - 1) / 2.0;
        var x = torch.arange(width, dtype: ScalarType.Float64, device: device ?? torch.CPU) - (width - 1) / 2.0;
        var d2 = y.pow(2).unsqueeze(1) + x.pow(2).unsqueeze(0);
        return scope.MoveToOuter(torch.exp(-d2 / (2 * sigma * sigma)).to(ScalarType.Float32));
    }
}
