using GuidedCam.Core;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace GuidedCam.Harness.Datasets;

/// <summary>
/// Decodes an image file and turns it into the network input described by a <see cref="Preprocessing"/>:
/// resize → centre crop → /255 → (x − mean) / std → CHW float32 in the model's channel order, plus the
/// <see cref="PreprocessGeometry"/> of the resize and crop so metrics can map maps back to original pixels.
/// </summary>
/// <remarks>
/// The steps follow torchvision's classification transforms (<c>Resize(256)</c>, <c>CenterCrop(224)</c>,
/// <c>ToTensor()</c>, <c>Normalize(mean, std)</c>; torchvision/transforms/functional.py):
/// <list type="bullet">
/// <item>Resize of the shorter side keeps the aspect ratio and truncates the longer side:
/// <c>long' = (int)(size · long / short)</c> (torchvision <c>_compute_resized_output_size</c>).</item>
/// <item>Centre crop offsets are <c>round((H − h) / 2)</c> with Python's round-half-to-even
/// (torchvision <c>center_crop</c>); when the crop is larger than the image torchvision pads with zeros
/// first, which here shows as a negative <see cref="PreprocessGeometry.CropX"/>/<see cref="PreprocessGeometry.CropY"/>
/// and zero pixels (before normalisation) outside the image.</item>
/// <item>Interpolation is bilinear with ImageSharp's <see cref="KnownResamplers.Triangle"/> (the tent
/// kernel, radius 1). Like PIL's <c>Image.BILINEAR</c> used by torchvision on PIL images, ImageSharp
/// widens the kernel by the scale factor when shrinking, so downscaling is antialiased in both (unlike
/// OpenCV's or <c>F.interpolate</c>'s plain bilinear). They differ in arithmetic: PIL accumulates in
/// 8-bit fixed point and rounds to uint8 between its horizontal and vertical passes, ImageSharp works in
/// float (Vector4) and rounds once at the end. Measured against Pillow 9.4 on the same decoded pixels:
/// at most 1 grey level apart, down- and upscaling.</item>
/// <item>JPEG decoding is where the two pipelines really differ (ImageSharp's chroma upsampling vs
/// libjpeg's "fancy" upsampling): on the shared ILSVRC images, mean 0.2–0.6 and max up to 35 grey levels,
/// at colour edges. End to end, the golden reference inputs (PIL + torchvision) are matched to a mean of
/// 0.24–0.29 grey levels.</item>
/// <item>No EXIF orientation is applied, as in PIL/torchvision (which also ignore it).</item>
/// </list>
/// </remarks>
public static class ImagePreprocessor
{
    /// <summary>Decodes <paramref name="path"/> and preprocesses it. A file that is missing, empty, truncated or not an image throws <see cref="ItemLoadException"/> carrying <paramref name="itemId"/>.</summary>
    public static (float[] Input, PreprocessGeometry Geometry) Load(string path, string itemId, Preprocessing preprocessing, long maxPixels = DefaultMaxPixels)
    {
        using var image = Decode(path, itemId, maxPixels);
        return Apply(image, preprocessing);
    }

    /// <summary>
    /// Largest image decoded by default: 64 megapixels (8000×8000, ~190 MB as 8-bit RGB). A file from
    /// outside can declare 65535×65535 in a few bytes; the header is read first, so such a file is
    /// skipped with a reason instead of exhausting memory. A dataset's `max-pixels` changes it.
    /// </summary>
    public const long DefaultMaxPixels = 64_000_000;

    /// <summary>Decodes an image file to 8-bit RGB (grey, CMYK and palette images are converted by ImageSharp).</summary>
    public static Image<Rgb24> Decode(string path, string itemId, long maxPixels = DefaultMaxPixels)
    {
        FileInfo info = new(path);
        if (!info.Exists) throw new ItemLoadException(itemId, $"image file not found: {path}");
        if (info.Length == 0) throw new ItemLoadException(itemId, $"image file is empty (0 bytes): {path}");
        Image<Rgb24> image;
        try
        {
            if (Image.Identify(path) is { } header && (long)header.Width * header.Height > maxPixels)
                throw new ItemLoadException(itemId, $"image {path} is {header.Width}x{header.Height} = {(long)header.Width * header.Height:N0} pixels, over the limit of {maxPixels:N0} (dataset key max-pixels)");
            image = Image.Load<Rgb24>(path);
        }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or ImageFormatException
                                       or NotSupportedException or IOException or InvalidOperationException or ArgumentException)
        {
            throw new ItemLoadException(itemId, $"cannot decode image {path}: {e.Message}", e);
        }
        if (image.Width <= 0 || image.Height <= 0)
        {
            image.Dispose();
            throw new ItemLoadException(itemId, $"image has zero size: {path}");
        }
        if (IsTruncatedJpeg(path))
        {
            // ImageSharp 2.x decodes a JPEG whose entropy-coded data ends early without complaint and
            // fills the missing blocks; PIL refuses such files ("image file is truncated"). A run must not
            // silently score a half-grey image, so a JPEG without its end-of-image marker is rejected.
            image.Dispose();
            throw new ItemLoadException(itemId, $"JPEG is truncated (no end-of-image marker FFD9): {path}");
        }
        return image;
    }

    /// <summary>Resize/crop/normalise an already decoded image (see the class remarks for each step).</summary>
    public static (float[] Input, PreprocessGeometry Geometry) Apply(Image<Rgb24> image, Preprocessing preprocessing)
    {
        PreprocessGeometry g = ComputeGeometry(image.Width, image.Height, preprocessing);
        Validate(preprocessing);

        Image<Rgb24> resized = image;
        bool ownsResized = false;
        if (g.ResizedWidth != image.Width || g.ResizedHeight != image.Height)
        {
            resized = image.Clone(x => x.Resize(new ResizeOptions
            {
                Size = new Size(g.ResizedWidth, g.ResizedHeight),
                Mode = ResizeMode.Stretch,
                Sampler = KnownResamplers.Triangle,
                Compand = false, // PIL resamples the stored sRGB values directly, without linearising
            }));
            ownsResized = true;
        }
        try
        {
            var pixels = new Rgb24[g.ResizedWidth * g.ResizedHeight];
            resized.CopyPixelDataTo(pixels);
            return (ToNormalisedChw(pixels, g, preprocessing), g);
        }
        finally
        {
            if (ownsResized) resized.Dispose();
        }
    }

    /// <summary>The resize and crop an image of <paramref name="width"/>×<paramref name="height"/> goes through.</summary>
    public static PreprocessGeometry ComputeGeometry(int width, int height, Preprocessing p)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"image size must be positive, got {width}x{height}");
        int rw = width, rh = height;
        if (p.ResizeWidth is int w || p.ResizeHeight is not null)
        {
            if (p.ResizeWidth is not int ww || p.ResizeHeight is not int hh || ww <= 0 || hh <= 0)
                throw new ArgumentException($"preprocessing: resize to W×H needs both width and height > 0 (got {p.ResizeWidth}x{p.ResizeHeight})");
            if (p.ResizeShorter is not null)
                throw new ArgumentException("preprocessing: give either resize (shorter side) or resize width×height, not both");
            (rw, rh) = (ww, hh);
        }
        else if (p.ResizeShorter is int s)
        {
            if (s <= 0) throw new ArgumentException($"preprocessing: resize must be > 0 (got {s})");
            // torchvision _compute_resized_output_size: the longer side is truncated, not rounded.
            if (width <= height) (rw, rh) = (s, (int)((long)s * height / width));
            else (rw, rh) = ((int)((long)s * width / height), s);
        }

        int iw = rw, ih = rh, cx = 0, cy = 0;
        if (p.Crop is int c)
        {
            if (c <= 0) throw new ArgumentException($"preprocessing: crop must be > 0 (got {c})");
            (iw, ih) = (c, c);
            cx = CropOffset(rw, c);
            cy = CropOffset(rh, c);
        }
        return new PreprocessGeometry(width, height, rw, rh, cx, cy, iw, ih);
    }

    // torchvision center_crop: crop_left = int(round((W - w) / 2.0)); Python rounds halves to even, as
    // Math.Round does by default. When the crop exceeds the image torchvision pads (c − W) // 2 on the
    // left first, so the window starts at minus that padding in resized coordinates.
    private static int CropOffset(int size, int crop) =>
        crop <= size ? (int)Math.Round((size - crop) / 2.0) : -((crop - size) / 2);

    private static void Validate(Preprocessing p)
    {
        if (p.Mean.Length != 3 || p.Std.Length != 3)
            throw new ArgumentException($"preprocessing: mean and std need 3 values each (got {p.Mean.Length} and {p.Std.Length})");
        if (p.Std.Any(s => !(s > 0)))
            throw new ArgumentException($"preprocessing: std values must be > 0 (got {string.Join(", ", p.Std)})");
        if (ChannelPermutation(p.ChannelOrder) is null)
            throw new ArgumentException($"preprocessing: channel-order '{p.ChannelOrder}' is not one of rgb, bgr");
    }

    private static int[]? ChannelPermutation(string order) => order.ToLowerInvariant() switch
    {
        "rgb" => new[] { 0, 1, 2 },
        "bgr" => new[] { 2, 1, 0 },
        _ => null,
    };

    private static float[] ToNormalisedChw(Rgb24[] pixels, PreprocessGeometry g, Preprocessing p)
    {
        int[] perm = ChannelPermutation(p.ChannelOrder)!;
        int w = g.InputWidth, h = g.InputHeight, plane = w * h;
        var input = new float[3 * plane];
        for (int oc = 0; oc < 3; oc++)
        {
            // Output channel oc holds source channel perm[oc]; mean/std are given in the model's channel order.
            int src = perm[oc];
            float mean = p.Mean[oc], invStd = 1f / p.Std[oc];
            int baseIndex = oc * plane;
            for (int y = 0; y < h; y++)
            {
                int sy = y + g.CropY;
                for (int x = 0; x < w; x++)
                {
                    int sx = x + g.CropX;
                    float v = 0f; // zero padding outside the resized image, as torchvision pads before cropping
                    if (sy >= 0 && sy < g.ResizedHeight && sx >= 0 && sx < g.ResizedWidth)
                    {
                        Rgb24 px = pixels[sy * g.ResizedWidth + sx];
                        v = (src == 0 ? px.R : src == 1 ? px.G : px.B) / 255f;
                    }
                    input[baseIndex + y * w + x] = (v - mean) * invStd;
                }
            }
        }
        return input;
    }

    /// <summary>
    /// True for a file that starts with the JPEG SOI marker (FF D8) but has no EOI marker (FF D9) in its
    /// last bytes. Some writers append padding or metadata after EOI, so the tail searched is 64 KiB.
    /// </summary>
    public static bool IsTruncatedJpeg(string path)
    {
        using var fs = File.OpenRead(path);
        if (fs.Length < 4) return fs.Length >= 2 && fs.ReadByte() == 0xFF && fs.ReadByte() == 0xD8;
        Span<byte> head = stackalloc byte[2];
        fs.ReadExactly(head);
        if (head[0] != 0xFF || head[1] != 0xD8) return false;
        int tail = (int)Math.Min(fs.Length - 2, 64 * 1024);
        fs.Seek(-tail, SeekOrigin.End);
        var buffer = new byte[tail];
        fs.ReadExactly(buffer);
        for (int i = buffer.Length - 2; i >= 0; i--)
            if (buffer[i] == 0xFF && buffer[i + 1] == 0xD9) return false;
        return true;
    }
}
