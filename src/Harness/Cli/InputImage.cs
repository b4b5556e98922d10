using GuidedCam.Core;
using GuidedCam.Harness.Datasets;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Cli;

/// <summary>
/// The network input of the one-image verbs (`explain`, `score`): an image file preprocessed exactly as
/// dataset items are, or a stored `.npy` tensor N×3×H×W / 3×H×W used as is.
/// </summary>
public static class InputImage
{
    /// <summary>
    /// An image file or a `.npy` tensor as N×3×H×W, with the geometry from original pixels to the input
    /// (identity for a tensor: its pixels are the input's).
    /// </summary>
    public static (Tensor Input, PreprocessGeometry Geometry) LoadTensorOrImage(string path, Preprocessing preprocessing)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: input file not found", path);
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            var a = Npy.ReadFloat32(path);
            var shape = a.Shape.Length switch
            {
                3 when a.Shape[0] == 3 => new[] { 1L, a.Shape[0], a.Shape[1], a.Shape[2] },
                4 when a.Shape[1] == 3 => a.Shape,
                _ => throw new ArgumentException($"{path}: expected a tensor N×3×H×W or 3×H×W, got ({string.Join("×", a.Shape)})"),
            };
            if (shape[2] == 0 || shape[3] == 0 || shape[0] == 0) throw new ArgumentException($"{path}: empty tensor ({string.Join("×", a.Shape)})");
            // NaN or infinity propagates into every map and the top-1 class: refused rather than explained.
            if (Npy.FirstNonFinite(a.Data) is { } bad) throw new InvalidDataException($"{path}: the input holds a non-finite value ({bad}); inputs must be finite");
            return (TorchSharp.torch.tensor(a.Data, shape, device: TorchSharp.torch.CPU), PreprocessGeometry.Identity((int)shape[3], (int)shape[2]));
        }
        var (input, geometry) = ImagePreprocessor.Load(path, Path.GetFileName(path), preprocessing);
        return (TorchSharp.torch.tensor(input, new long[] { 1, 3, geometry.InputHeight, geometry.InputWidth }, device: TorchSharp.torch.CPU), geometry);
    }
}
