namespace GuidedCam.Harness.Datasets;

/// <summary>
/// COCO instance masks (Lin et al., ECCV 2014) decoded to a row-major bool[] at the image's original
/// size: polygons are rasterised, run-length encodings (RLE) are expanded. The RLE format is the one
/// of the COCO API (cocodataset/cocoapi, common/maskApi.c): runs alternate 0/1 starting with 0, over the
/// pixels in column-major (Fortran) order; the compressed string form packs each run in 5-bit groups.
/// </summary>
public static class CocoMask
{
    /// <summary>
    /// Union of the polygons (each x0,y0,x1,y1,… in pixel-edge coordinates). Pixel (i, j) is inside a
    /// polygon when its centre (i + 0.5, j + 0.5) is, by the even–odd rule — the same centre test
    /// <see cref="GuidedCam.Core.Box"/> uses. The COCO API rasterises at 5× and then thresholds, so the
    /// two can differ on pixels the boundary crosses; their count is bounded by the perimeter.
    /// </summary>
    public static bool[] RasterizePolygons(IReadOnlyList<double[]> polygons, int width, int height)
    {
        ValidateSize(width, height);
        var mask = new bool[width * height];
        var xs = new List<double>();
        foreach (double[] poly in polygons)
        {
            if (poly.Length < 6 || poly.Length % 2 != 0)
                throw new FormatException($"a COCO polygon needs an even number (≥ 6) of coordinates, got {poly.Length}");
            int n = poly.Length / 2;
            for (int j = 0; j < height; j++)
            {
                double y = j + 0.5;
                xs.Clear();
                for (int k = 0; k < n; k++)
                {
                    double x0 = poly[2 * k], y0 = poly[2 * k + 1];
                    double x1 = poly[2 * ((k + 1) % n)], y1 = poly[2 * ((k + 1) % n) + 1];
                    // Half-open in y so a vertex on the scanline is counted once, not twice.
                    if ((y0 <= y && y < y1) || (y1 <= y && y < y0))
                        xs.Add(x0 + (y - y0) * (x1 - x0) / (y1 - y0));
                }
                xs.Sort();
                for (int q = 0; q + 1 < xs.Count; q += 2)
                {
                    // Pixels with centre in [xa, xb): columns ceil(xa − 0.5) … ceil(xb − 0.5) − 1.
                    int c0 = (int)Math.Clamp(Math.Ceiling(xs[q] - 0.5), 0, width);
                    int c1 = (int)Math.Clamp(Math.Ceiling(xs[q + 1] - 0.5), 0, width);
                    for (int i = c0; i < c1; i++) mask[j * width + i] = true;
                }
            }
        }
        return mask;
    }

    /// <summary>Expands run lengths (column-major, first run = zeros) to a row-major mask of height × width.</summary>
    public static bool[] DecodeRle(IReadOnlyList<long> counts, int width, int height)
    {
        ValidateSize(width, height);
        long total = (long)width * height, k = 0;
        var mask = new bool[width * height];
        for (int r = 0; r < counts.Count; r++)
        {
            long run = counts[r];
            if (run < 0) throw new FormatException($"RLE run {r} is negative ({run})");
            if (k + run > total) throw new FormatException($"RLE runs cover more than {height}×{width} = {total} pixels");
            if (r % 2 == 1)
                for (long p = k; p < k + run; p++) mask[(int)(p % height) * width + (int)(p / height)] = true;
            k += run;
        }
        if (k != total) throw new FormatException($"RLE runs cover {k} pixels, the mask has {height}×{width} = {total}");
        return mask;
    }

    /// <summary>
    /// Decodes the compressed RLE string of the COCO API (maskApi.c rleFrString): each run is written as
    /// 5-bit little-endian groups in characters offset by 48, bit 0x20 meaning "another group follows" and
    /// bit 0x10 of the last group the sign; from the third run on, a run is stored as the difference to
    /// the run two places before it.
    /// </summary>
    public static long[] DecodeCompressedCounts(string s)
    {
        var counts = new List<long>();
        int p = 0;
        while (p < s.Length)
        {
            long x = 0;
            int k = 0;
            bool more = true;
            while (more)
            {
                if (p >= s.Length) throw new FormatException($"compressed RLE ends inside a run at character {p}");
                int c = s[p] - 48;
                if (c < 0 || c > 63) throw new FormatException($"compressed RLE has an invalid character '{s[p]}' at {p}");
                x |= (long)(c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0) x |= -1L << (5 * k); // sign-extend a negative difference
                if (k > 12) throw new FormatException("compressed RLE run is too long");
            }
            if (counts.Count > 2) x += counts[^2];
            counts.Add(x);
        }
        return counts.ToArray();
    }

    /// <summary>Inverse of <see cref="DecodeCompressedCounts"/> (maskApi.c rleToString); used by tests and tools.</summary>
    public static string EncodeCompressedCounts(IReadOnlyList<long> counts)
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < counts.Count; i++)
        {
            long x = counts[i];
            if (i > 2) x -= counts[i - 2];
            bool more = true;
            while (more)
            {
                long c = x & 0x1f;
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) c |= 0x20;
                sb.Append((char)(c + 48));
            }
        }
        return sb.ToString();
    }

    private static void ValidateSize(int width, int height)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"mask size must be positive, got {width}x{height}");
    }
}
