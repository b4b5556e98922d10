using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Core;

/// <summary>
/// The shared post-processing of docs/spec/methods.md (pytorch-grad-cam 1.5.x base_cam.py / scale_cam_image):
/// ReLU → per-sample min-max (eps 1e-7) at h×w → bilinear resize (half-pixel centres, no antialias,
/// as cv2.resize INTER_LINEAR) → ReLU → min-max again. A constant map (max − min &lt; 1e-12) becomes
/// all zeros, never NaN.
/// </summary>
public static class SaliencyPostProcessing
{
    public const double Eps = 1e-7;
    public const double ConstantThreshold = 1e-12;

    /// <summary>Per-sample (t − min)/(max − min + 1e-7) over all but the first dimension; constant samples → 0.</summary>
    public static Tensor MinMax(Tensor t, double eps = Eps)
    {
        using var scope = torch.NewDisposeScope();
        long n = t.shape[0];
        var flat = t.reshape(n, -1);
        var min = flat.min(1, keepdim: true).values;
        var max = flat.max(1, keepdim: true).values;
        var range = max - min;
        var scaled = (flat - min) / (range + eps);
        var constant = range < ConstantThreshold;
        var result = torch.where(constant, torch.zeros_like(scaled), scaled).reshape(t.shape);
        return scope.MoveToOuter(result);
    }

    /// <summary>N×h×w → N×H×W, bilinear, align_corners = false, no antialias.</summary>
    public static Tensor Resize(Tensor maps, long height, long width)
    {
        if (maps.shape[1] == height && maps.shape[2] == width) return maps.clone();
        using var scope = torch.NewDisposeScope();
        // One map at a time: the interpolation's vector kernels treat planes differently by how many are
        // resized together, so a map stored and decoded with others would differ from the map as computed.
        var r = torch.cat(Enumerable.Range(0, (int)maps.shape[0]).Select(i =>
            nn.functional.interpolate(maps.narrow(0, i, 1).unsqueeze(1), new long[] { height, width }, mode: InterpolationMode.Bilinear, align_corners: false).squeeze(1)).ToArray(), 0);
        return scope.MoveToOuter(r);
    }

    /// <summary>Steps 2–6 on the raw N×h×w maps, to N×H×W.</summary>
    public static Tensor Apply(Tensor raw, long height, long width)
    {
        using var scope = torch.NewDisposeScope();
        var cam = MinMax(torch.nn.functional.relu(raw));
        var up = Resize(cam, height, width);
        return scope.MoveToOuter(Finish(up));
    }

    /// <summary>Steps 5–6 only (after layer aggregation, and FullGrad): ReLU then min-max.</summary>
    public static Tensor Finish(Tensor maps)
    {
        using var scope = torch.NewDisposeScope();
        return scope.MoveToOuter(MinMax(torch.nn.functional.relu(maps)));
    }

    /// <summary>How many maps of the batch are constant (max − min &lt; 1e-12).</summary>
    public static int CountConstant(Tensor maps)
    {
        using var scope = torch.NewDisposeScope();
        var flat = maps.reshape(maps.shape[0], -1);
        var range = flat.max(1).values - flat.min(1).values;
        return (int)(range < ConstantThreshold).sum().item<long>();
    }
}
