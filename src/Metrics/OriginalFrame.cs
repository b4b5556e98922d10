using GuidedCam.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Metrics;

/// <summary>
/// The one place where a map at network-input size goes back to original-image pixels, and where
/// ground-truth regions are rasterised in that frame. The region metrics (pointing game, energy game,
/// localization) work there so that a 15 px tolerance or an IoU means original pixels (TorchRay
/// benchmark/pointing_game.py resizes the saliency to the image size; ILSVRC boxes are in original pixels).
/// </summary>
public static class OriginalFrame
{
    /// <summary>
    /// Undoes <see cref="PreprocessGeometry"/> exactly: the H×W map is placed into the resized frame at
    /// the crop offset (pixels outside the crop window get 0: the network never saw them), then that
    /// frame is resized bilinearly (half-pixel centres, align_corners = false, as everywhere in
    /// GuidedCam) to the original size. Returns the original-size map, row-major.
    /// </summary>
    public static float[] ToOriginal(Tensor map, PreprocessGeometry g)
    {
        if (map.dim() != 2 || map.shape[0] != g.InputHeight || map.shape[1] != g.InputWidth)
            throw new ArgumentException(
                $"map is [{string.Join("×", map.shape)}] but the item's geometry says the network input was {g.InputHeight}×{g.InputWidth}");
        using var scope = torch.NewDisposeScope();
        var m = map.detach().to(torch.CPU).to_type(ScalarType.Float32);
        if (g.IsIdentity) return m.contiguous().data<float>().ToArray();

        var resized = torch.zeros(g.ResizedHeight, g.ResizedWidth, dtype: ScalarType.Float32, device: torch.CPU);
        // The crop window in the resized frame, clipped (a crop larger than the resized image pads).
        int x0 = Math.Max(0, g.CropX), y0 = Math.Max(0, g.CropY);
        int x1 = Math.Min(g.ResizedWidth, g.CropX + g.InputWidth), y1 = Math.Min(g.ResizedHeight, g.CropY + g.InputHeight);
        if (x1 > x0 && y1 > y0)
        {
            var window = m.slice(0, y0 - g.CropY, y1 - g.CropY, 1).slice(1, x0 - g.CropX, x1 - g.CropX, 1);
            resized.slice(0, y0, y1, 1).slice(1, x0, x1, 1).copy_(window);
        }
        var original = SaliencyPostProcessing.Resize(resized.unsqueeze(0), g.OriginalHeight, g.OriginalWidth);
        return original.contiguous().data<float>().ToArray();
    }

    /// <summary>Index of the largest value, the first in row-major order on ties (TorchRay's point).</summary>
    public static int ArgMax(float[] map)
    {
        int best = 0;
        for (int i = 1; i < map.Length; i++)
            if (map[i] > map[best]) best = i;
        return best;
    }

    /// <summary>True when every value is equal (a constant map, all zeros after post-processing).</summary>
    public static bool IsConstant(float[] map)
    {
        if (map.Length == 0) return true;
        float min = map[0], max = map[0];
        foreach (float v in map)
        {
            if (v < min) min = v;
            if (v > max) max = v;
        }
        return max - min < SaliencyPostProcessing.ConstantThreshold;
    }

    /// <summary>Sets the pixels whose centres lie inside <paramref name="box"/> (Box's convention).</summary>
    public static void AddBox(bool[] region, Box box, int width, int height)
    {
        var (c0, r0, c1, r1) = box.PixelRange(width, height);
        for (int r = r0; r < r1; r++)
            for (int c = c0; c < c1; c++)
                region[r * width + c] = true;
    }

    /// <summary>Adds one object: its instance mask when it has one, else its box.</summary>
    public static void AddObject(bool[] region, ObjectAnnotation obj, int width, int height)
    {
        if (obj.Mask is { } mask)
        {
            if (mask.Length != region.Length)
                throw new ArgumentException($"instance mask of class {obj.ClassIndex} has {mask.Length} pixels, the image {width}×{height} has {region.Length}");
            for (int i = 0; i < mask.Length; i++) region[i] |= mask[i];
        }
        else AddBox(region, obj.Box, width, height);
    }

    /// <summary>Union of the boxes of the given objects, at original size.</summary>
    public static bool[] BoxUnion(IEnumerable<ObjectAnnotation> objects, int width, int height)
    {
        var region = new bool[width * height];
        foreach (var o in objects) AddBox(region, o.Box, width, height);
        return region;
    }

    /// <summary>Objects of one dataset class in an item; an empty list is an error (a ground-truth unit names a class present).</summary>
    public static IReadOnlyList<ObjectAnnotation> ObjectsOf(DatasetItem item, int datasetClass, string metricId)
    {
        var objects = item.Objects.Where(o => o.ClassIndex == datasetClass).ToList();
        if (objects.Count == 0)
            throw new ArgumentException(
                $"metric '{metricId}': item '{item.Id}' has no annotation of dataset class {datasetClass} (classes present: {string.Join(", ", item.Labels)})");
        return objects;
    }
}
