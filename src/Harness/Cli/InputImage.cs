using GuidedCam.Harness.Datasets;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Cli;

/// <summary>An image file as a 1×3×H×W network input, preprocessed exactly as dataset items are.</summary>
public static class InputImage
{
    public static Tensor Load(string path, Preprocessing preprocessing)
    {
        var (input, geometry) = ImagePreprocessor.Load(path, Path.GetFileName(path), preprocessing);
        return TorchSharp.torch.tensor(input, new long[] { 1, 3, geometry.InputHeight, geometry.InputWidth });
    }
}
