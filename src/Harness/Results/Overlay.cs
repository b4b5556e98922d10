using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace GuidedCam.Harness.Results;

/// <summary>
/// A saliency map drawn over its image: the map through a jet colormap (as pytorch-grad-cam's
/// show_cam_on_image uses cv2.COLORMAP_JET), blended 50/50 with the image.
/// </summary>
public static class Overlay
{
    /// <summary>Jet colormap: map value v ∈ [0,1] to RGB (piecewise linear, blue → cyan → yellow → red).</summary>
    public static Rgb24 Jet(float v)
    {
        v = Math.Clamp(v, 0f, 1f);
        float r = Math.Clamp(1.5f - Math.Abs(4f * v - 3f), 0f, 1f);
        float g = Math.Clamp(1.5f - Math.Abs(4f * v - 2f), 0f, 1f);
        float b = Math.Clamp(1.5f - Math.Abs(4f * v - 1f), 0f, 1f);
        return new Rgb24((byte)(r * 255), (byte)(g * 255), (byte)(b * 255));
    }

    /// <summary>Blends a map (H×W, row-major, values in [0,1]) over an RGB image of the same size.</summary>
    public static Image<Rgb24> Render(Image<Rgb24> image, float[] map, float alpha = 0.5f)
    {
        int w = image.Width, h = image.Height;
        if (map.Length != w * h) throw new ArgumentException($"map has {map.Length} values for a {w}×{h} image");
        var result = new Image<Rgb24>(w, h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                var p = image[x, y];
                var j = Jet(map[y * w + x]);
                result[x, y] = new Rgb24(
                    (byte)Math.Round(p.R * (1 - alpha) + j.R * alpha),
                    (byte)Math.Round(p.G * (1 - alpha) + j.G * alpha),
                    (byte)Math.Round(p.B * (1 - alpha) + j.B * alpha));
            }
        return result;
    }
}
