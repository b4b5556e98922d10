using GuidedCam.Core;

namespace GuidedCam.Metrics;

/// <summary>
/// The box a map predicts in weakly supervised localization (Grad-CAM, Selvaraju et al. 2017, Sec. 4.1,
/// after CAM, Zhou et al. 2016): binarise at threshold × max(S) — a pixel is foreground when strictly
/// above, as cv2.threshold THRESH_BINARY in the reference code — take the 8-connected components and
/// return the bounding box of the largest by pixel count (the first found in row-major order on ties).
/// Null when nothing is foreground (an all-zero map).
/// </summary>
public static class LargestComponentBox
{
    public static Box? Find(float[] map, int width, int height, double threshold)
    {
        if (map.Length != width * height) throw new ArgumentException($"map has {map.Length} values, expected {width}×{height}");
        float max = map.Length == 0 ? 0 : map.Max();
        if (!(max > 0)) return null;
        double cut = threshold * max;
        var label = new int[map.Length]; // 0 = unvisited
        var queue = new Queue<int>();
        int bestCount = 0;
        Box? best = null;
        int next = 0;
        for (int start = 0; start < map.Length; start++)
        {
            if (label[start] != 0 || !(map[start] > cut)) continue;
            next++;
            label[start] = next;
            queue.Enqueue(start);
            int count = 0, c0 = int.MaxValue, r0 = int.MaxValue, c1 = -1, r1 = -1;
            while (queue.Count > 0)
            {
                int p = queue.Dequeue();
                int r = p / width, c = p % width;
                count++;
                c0 = Math.Min(c0, c); c1 = Math.Max(c1, c);
                r0 = Math.Min(r0, r); r1 = Math.Max(r1, r);
                for (int dr = -1; dr <= 1; dr++)
                    for (int dc = -1; dc <= 1; dc++)
                    {
                        int rr = r + dr, cc = c + dc;
                        if (rr < 0 || rr >= height || cc < 0 || cc >= width) continue;
                        int q = rr * width + cc;
                        if (label[q] != 0 || !(map[q] > cut)) continue;
                        label[q] = next;
                        queue.Enqueue(q);
                    }
            }
            if (count > bestCount)
            {
                bestCount = count;
                // Pixel-edge coordinates (Box's convention): columns c0..c1 inclusive → [c0, c1 + 1).
                best = new Box(c0, r0, c1 + 1, r1 + 1);
            }
        }
        return best;
    }
}
