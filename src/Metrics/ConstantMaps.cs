using GuidedCam.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Metrics;

/// <summary>
/// Which maps of a batch are constant (all zeros after the shared post-processing). Every metric
/// still scores them — the value is a number, never NaN — and flags them, so a table can say how many
/// degenerate maps a method produced.
/// </summary>
public static class ConstantMaps
{
    public static bool[] Of(Tensor maps)
    {
        using var scope = torch.NewDisposeScope();
        var flat = maps.detach().reshape(maps.shape[0], -1);
        var range = flat.max(1).values - flat.min(1).values;
        var constant = (range < SaliencyPostProcessing.ConstantThreshold).to(torch.CPU);
        return constant.data<bool>().ToArray();
    }
}
