namespace GuidedCam.Harness.Datasets;

/// <summary>
/// How an image becomes the network input (config keys `resize`, `crop`, `mean`, `std`,
/// `channel-order`). Resize: the shorter side to <see cref="ResizeShorter"/> (aspect kept), or to exactly
/// <see cref="ResizeWidth"/>×<see cref="ResizeHeight"/> when those are set; then an optional centre
/// crop; then /255, minus mean, divided by std, per channel. The geometry of each step is kept per
/// item (<see cref="GuidedCam.Core.PreprocessGeometry"/>).
/// </summary>
public sealed record Preprocessing
{
    public int? ResizeShorter { get; init; }
    public int? ResizeWidth { get; init; }
    public int? ResizeHeight { get; init; }
    public int? Crop { get; init; }
    public float[] Mean { get; init; } = { 0.485f, 0.456f, 0.406f };
    public float[] Std { get; init; } = { 0.229f, 0.224f, 0.225f };
    /// <summary>"rgb" (default) or "bgr": the order of the three input channels the model expects.</summary>
    public string ChannelOrder { get; init; } = "rgb";

    /// <summary>torchvision ImageNet classifiers: resize 256, centre-crop 224, ImageNet mean/std.</summary>
    public static Preprocessing ImageNet224 { get; } = new() { ResizeShorter = 256, Crop = 224 };

    public string Describe() =>
        $"resize={(ResizeShorter is int s ? s.ToString() : ResizeWidth is int w ? $"{w}x{ResizeHeight}" : "none")}," +
        $"crop={(Crop is int c ? c.ToString() : "none")},mean={string.Join('/', Mean)},std={string.Join('/', Std)},order={ChannelOrder}";
}
