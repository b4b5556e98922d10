using GuidedCam.Core;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace GuidedCam.Harness.Results.Exporters;

/// <summary>
/// A saliency map blended over its image the way CAM papers show it (pytorch-grad-cam's
/// show_cam_on_image): the map in [0, 1] through a jet colormap, then 0.5 · image + 0.5 · colour.
/// </summary>
public static class SaliencyOverlay
{
    public const double ImageWeight = 0.5;

    /// <summary>Reads an H×W float32 .npy map and blends it over <paramref name="image"/>; a map of another size is resized bilinearly to the image.</summary>
    public static Image<Rgb24> FromNpy(Image<Rgb24> image, string mapPath)
    {
        var npy = Npy.ReadFloat32(mapPath);
        long[] shape = npy.Shape.Where(d => d != 1).ToArray();
        if (shape.Length != 2)
            throw new InvalidDataException($"{mapPath}: a saliency map must be H×W (got shape ({string.Join(", ", npy.Shape)}))");
        return Blend(image, npy.Data, (int)shape[0], (int)shape[1]);
    }

    public static Image<Rgb24> Blend(Image<Rgb24> image, float[] map, int mapHeight, int mapWidth)
    {
        int w = image.Width, h = image.Height;
        var result = new Image<Rgb24>(w, h);
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                double v = Sample(map, mapHeight, mapWidth, (x + 0.5) * mapWidth / w - 0.5, (y + 0.5) * mapHeight / h - 0.5);
                var (r, g, b) = Jet(double.IsNaN(v) ? 0 : Math.Clamp(v, 0, 1));
                var p = image[x, y];
                result[x, y] = new Rgb24(Mix(p.R, r), Mix(p.G, g), Mix(p.B, b));
            }
        }
        return result;
    }

    private static byte Mix(byte image, double colour) => (byte)Math.Round(Math.Clamp(ImageWeight * image + (1 - ImageWeight) * colour * 255, 0, 255));

    /// <summary>Bilinear sample with half-pixel centres and edge clamping (align_corners = false).</summary>
    private static double Sample(float[] map, int h, int w, double x, double y)
    {
        x = Math.Clamp(x, 0, w - 1);
        y = Math.Clamp(y, 0, h - 1);
        int x0 = (int)Math.Floor(x), y0 = (int)Math.Floor(y);
        int x1 = Math.Min(x0 + 1, w - 1), y1 = Math.Min(y0 + 1, h - 1);
        double fx = x - x0, fy = y - y0;
        double top = map[y0 * w + x0] * (1 - fx) + map[y0 * w + x1] * fx;
        double bottom = map[y1 * w + x0] * (1 - fx) + map[y1 * w + x1] * fx;
        return top * (1 - fy) + bottom * fy;
    }

    /// <summary>MATLAB's jet: dark blue (0) → blue → cyan → yellow → red → dark red (1), piecewise linear in each channel.</summary>
    public static (double R, double G, double B) Jet(double v)
    {
        static double Ramp(double t) => Math.Clamp(1.5 - Math.Abs(4 * t), 0, 1);
        return (Ramp(v - 0.75), Ramp(v - 0.5), Ramp(v - 0.25));
    }
}
