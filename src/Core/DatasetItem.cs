namespace GuidedCam.Core;

/// <summary>
/// An axis-aligned box in original-image pixel-edge coordinates: pixel (i, j) — column i, row j —
/// lies inside when X1 ≤ i + 0.5 &lt; X2 and Y1 ≤ j + 0.5 &lt; Y2 (its centre is inside).
/// Loaders convert their dataset's convention to this one (VOC 1-based inclusive: X1 = xmin − 1,
/// X2 = xmax; ImageNet 0-based inclusive: X1 = xmin, X2 = xmax + 1; COCO [x, y, w, h]: X1 = x, X2 = x + w).
/// </summary>
public readonly record struct Box(double X1, double Y1, double X2, double Y2)
{
    public double Width => Math.Max(0, X2 - X1);
    public double Height => Math.Max(0, Y2 - Y1);
    public double Area => Width * Height;

    /// <summary>Integer pixel range [c0, c1) × [r0, r1) of the pixels whose centres are inside, clipped.</summary>
    public (int c0, int r0, int c1, int r1) PixelRange(int width, int height)
    {
        int c0 = Math.Clamp((int)Math.Ceiling(X1 - 0.5), 0, width);
        int c1 = Math.Clamp((int)Math.Ceiling(X2 - 0.5), 0, width);
        int r0 = Math.Clamp((int)Math.Ceiling(Y1 - 0.5), 0, height);
        int r1 = Math.Clamp((int)Math.Ceiling(Y2 - 0.5), 0, height);
        return (c0, r0, Math.Max(c0, c1), Math.Max(r0, r1));
    }

    /// <summary>Intersection over union of the pixel sets of two boxes (as in the ILSVRC evaluation).</summary>
    public static double IoU(Box a, Box b, int width, int height)
    {
        var (ac0, ar0, ac1, ar1) = a.PixelRange(width, height);
        var (bc0, br0, bc1, br1) = b.PixelRange(width, height);
        long iw = Math.Max(0, Math.Min(ac1, bc1) - Math.Max(ac0, bc0));
        long ih = Math.Max(0, Math.Min(ar1, br1) - Math.Max(ar0, br0));
        long inter = iw * ih;
        long ua = (long)(ac1 - ac0) * (ar1 - ar0) + (long)(bc1 - bc0) * (br1 - br0) - inter;
        return ua <= 0 ? 0 : (double)inter / ua;
    }
}

/// <summary>One annotated object. ClassIndex is in the dataset's label space.</summary>
public sealed record ObjectAnnotation(int ClassIndex, Box Box, bool Difficult = false, bool Truncated = false)
{
    /// <summary>Optional instance mask at original size, row-major (COCO segmentation).</summary>
    public bool[]? Mask { get; init; }
    /// <summary>COCO <c>iscrowd = 1</c>: the region covers a group of instances (its mask is RLE); kept so metrics can choose to treat it like a difficult object.</summary>
    public bool Crowd { get; init; }
}

/// <summary>
/// How an original image became the network input: resize to (ResizedWidth × ResizedHeight), then
/// crop the window at (CropX, CropY) of size InputWidth × InputHeight. Metrics use it to map a map at
/// network-input size back to original pixels, so a 15 px tolerance means 15 original pixels.
/// </summary>
public sealed record PreprocessGeometry(
    int OriginalWidth, int OriginalHeight,
    int ResizedWidth, int ResizedHeight,
    int CropX, int CropY,
    int InputWidth, int InputHeight)
{
    public static PreprocessGeometry Identity(int width, int height) => new(width, height, width, height, 0, 0, width, height);
    public bool IsIdentity => OriginalWidth == InputWidth && OriginalHeight == InputHeight && ResizedWidth == InputWidth && ResizedHeight == InputHeight && CropX == 0 && CropY == 0;
}

/// <summary>
/// One image of a dataset, as every loader (synthetic, ImageNet, COCO, VOC) yields it: the
/// preprocessed network input (normalised, CHW, float32), the original geometry and the annotations
/// in original pixel coordinates.
/// </summary>
public sealed class DatasetItem
{
    public required string Id { get; init; }
    /// <summary>Network input, 3 × InputHeight × InputWidth, normalised with the model's mean/std, CHW order.</summary>
    public required float[] Input { get; init; }
    public required PreprocessGeometry Geometry { get; init; }
    public required IReadOnlyList<ObjectAnnotation> Objects { get; init; }
    /// <summary>Distinct dataset classes present (for ImageNet: the single label).</summary>
    public IReadOnlyList<int> Labels => Objects.Select(o => o.ClassIndex).Distinct().OrderBy(c => c).ToArray();
    public int OriginalWidth => Geometry.OriginalWidth;
    public int OriginalHeight => Geometry.OriginalHeight;
}
