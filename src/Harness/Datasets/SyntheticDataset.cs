using GuidedCam.Core;

namespace GuidedCam.Harness.Datasets;

/// <summary>
/// The built-in synthetic dataset: RGB images with exactly one object of one of six shape classes
/// (random size, position and colour) on a cluttered background (a colour gradient, pixel noise and
/// distractor strokes and dots that are not class objects), with the object's exact box and pixel
/// mask. Every item is a pure function of (seed, split, index), so the same config always gives the
/// same images on any machine (System.Random with a seed is a fixed algorithm in .NET).
/// The original image is the network input (identity geometry); only normalisation is applied.
/// </summary>
public sealed class SyntheticDataset : IDataset
{
    public static readonly string[] Shapes = { "disk", "square", "triangle", "cross", "ring", "diamond" };

    /// <summary>Normalisation of the built-in model: (x − 0.5)/0.25 per channel.</summary>
    public static Preprocessing DefaultPreprocessing { get; } = new() { Mean = new[] { 0.5f, 0.5f, 0.5f }, Std = new[] { 0.25f, 0.25f, 0.25f } };

    private readonly int _seed;
    private readonly int _splitSalt;
    private string[] _ids;

    /// <summary>
    /// From a config entry: `count` images of `split` (train | val | test, default test) at `image-size`,
    /// generated from `seed`; then the usual selection (class filter → sample → limit, <see cref="ItemSelection"/>).
    /// </summary>
    public static IDataset FromSpec(DatasetSpec spec)
    {
        if (spec.Root != null) throw new ArgumentException($"dataset '{spec.Name}': the synthetic set is generated, it has no `root`");
        if (spec.LabelFile != null) throw new ArgumentException($"dataset '{spec.Name}': `label-file` is for ImageNet only");
        string split = spec.Split == "val" && spec.Count is null ? "test" : spec.Split;
        var ds = new SyntheticDataset(spec.Name, spec.Count ?? 200, spec.Seed, split, spec.ImageSize ?? 64);
        var problems = new List<string>();
        var filter = ItemSelection.ResolveClassFilter(spec, Shapes.Length, (name, c) => string.Equals(name, Shapes[c], StringComparison.OrdinalIgnoreCase), problems, "allowed: " + string.Join(", ", Shapes));
        if (problems.Count > 0) throw new ArgumentException($"dataset '{spec.Name}': " + string.Join("; ", problems));
        var ids = ItemSelection.Select(spec, ds._ids, id => new[] { ds.Generate(ds.IndexOf(id)).ClassIndex }, filter);
        if (!ReferenceEquals(ids, ds._ids)) ds._ids = ids.ToArray();
        return ds;
    }

    public SyntheticDataset(string name, int count, int seed = 0, string split = "test", int imageSize = 64)
    {
        if (count <= 0) throw new ArgumentException($"synthetic dataset '{name}': count must be positive, not {count}");
        if (imageSize < 32) throw new ArgumentException($"synthetic dataset '{name}': image-size must be at least 32, not {imageSize}");
        // Upper limits keep a typo from asking for terabytes: items are drawn on the fly, but a batch of
        // 16 inputs at 1024 px is already 200 MB of float32.
        if (count > MaxCount) throw new ArgumentException($"synthetic dataset '{name}': count must be at most {MaxCount:N0}, not {count:N0}");
        if (imageSize > MaxImageSize) throw new ArgumentException($"synthetic dataset '{name}': image-size must be at most {MaxImageSize}, not {imageSize}");
        _splitSalt = split switch
        {
            "train" => 1,
            "val" => 2,
            "test" => 3,
            _ => throw new ArgumentException($"synthetic dataset '{name}': split '{split}' is not one of train, val, test"),
        };
        Name = name;
        Split = split;
        _seed = seed;
        ImageSize = imageSize;
        _ids = Enumerable.Range(0, count).Select(i => $"{split}-{i:D6}").ToArray();
    }

    public string Name { get; }
    public string Split { get; }
    public int ImageSize { get; }

    /// <summary>Largest `count` accepted.</summary>
    public const int MaxCount = 1_000_000;
    /// <summary>Largest `image-size` accepted.</summary>
    public const int MaxImageSize = 1024;
    public string LabelSpace => "synthetic6";
    public IReadOnlyList<string> ClassNames => Shapes;
    /// <summary>Exactly one object per image, with its box and mask.</summary>
    public bool SingleLabel => true;
    public bool HasBoxes => true;
    public IReadOnlyList<string> ItemIds => _ids;

    private int IndexOf(string id)
    {
        int dash = id.LastIndexOf('-');
        if (dash < 0 || id[..dash] != Split || !int.TryParse(id[(dash + 1)..], out int index))
            throw new ItemLoadException(id, $"not an item id of synthetic split '{Split}'");
        return index;
    }

    public DatasetItem Load(string id, Preprocessing preprocessing)
    {
        var s = Generate(IndexOf(id));
        int n = ImageSize * ImageSize;
        var input = new float[3 * n];
        for (int c = 0; c < 3; c++)
        {
            int src = preprocessing.ChannelOrder == "bgr" ? 2 - c : c;
            float mean = preprocessing.Mean[c], std = preprocessing.Std[c];
            for (int p = 0; p < n; p++) input[c * n + p] = (s.Rgb[src * n + p] - mean) / std;
        }
        return new DatasetItem
        {
            Id = id,
            Input = input,
            Geometry = PreprocessGeometry.Identity(ImageSize, ImageSize),
            Objects = new[] { new ObjectAnnotation(s.ClassIndex, s.Box) { Mask = s.Mask } },
        };
    }

    /// <summary>One generated sample: RGB in [0,1] as CHW, the class, the tight box and the mask.</summary>
    public sealed record Sample(float[] Rgb, int ClassIndex, Box Box, bool[] Mask);

    public Sample Generate(int index)
    {
        int size = ImageSize;
        int n = size * size;
        var rng = new Random(HashCode(_seed, _splitSalt, index));
        var rgb = new float[3 * n];

        // Background: a linear gradient between two muted colours plus Gaussian pixel noise.
        var c0 = RandomColour(rng, 0.25, 0.55);
        var c1 = RandomColour(rng, 0.25, 0.55);
        double angle = rng.NextDouble() * Math.PI * 2;
        double ux = Math.Cos(angle), uy = Math.Sin(angle);
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                double t = Math.Clamp(0.5 + ((x - size / 2.0) * ux + (y - size / 2.0) * uy) / size, 0, 1);
                for (int c = 0; c < 3; c++) rgb[c * n + y * size + x] = (float)(c0[c] * (1 - t) + c1[c] * t);
            }

        // Distractors: strokes and dots in random colours, drawn before the object (the object occludes them).
        int strokes = 3 + rng.Next(4);
        for (int k = 0; k < strokes; k++)
        {
            var col = RandomColour(rng, 0.1, 0.95);
            double x0 = rng.NextDouble() * size, y0 = rng.NextDouble() * size;
            double a = rng.NextDouble() * Math.PI * 2, len = size * (0.2 + 0.5 * rng.NextDouble());
            double width = 0.6 + rng.NextDouble() * 0.8;
            DrawSegment(rgb, size, x0, y0, x0 + Math.Cos(a) * len, y0 + Math.Sin(a) * len, width, col);
        }
        int dots = 2 + rng.Next(4);
        for (int k = 0; k < dots; k++)
        {
            var col = RandomColour(rng, 0.1, 0.95);
            int cx = rng.Next(size), cy = rng.Next(size);
            for (int dy = 0; dy < 2; dy++)
                for (int dx = 0; dx < 2; dx++)
                    if (cx + dx < size && cy + dy < size)
                        for (int c = 0; c < 3; c++) rgb[c * n + (cy + dy) * size + cx + dx] = (float)col[c];
        }

        // The object: one shape, radius r (half its extent), fully inside the image.
        int cls = rng.Next(Shapes.Length);
        double minR = size * 0.09, maxR = size * 0.19;
        double r = minR + rng.NextDouble() * (maxR - minR);
        double ocx = r + 1 + rng.NextDouble() * (size - 2 * r - 2);
        double ocy = r + 1 + rng.NextDouble() * (size - 2 * r - 2);
        var colour = RandomColour(rng, 0.0, 1.0, saturated: true);
        var mask = new bool[n];
        int minX = size, minY = size, maxX = -1, maxY = -1;
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                if (!Inside(cls, x + 0.5 - ocx, y + 0.5 - ocy, r)) continue;
                mask[y * size + x] = true;
                for (int c = 0; c < 3; c++) rgb[c * n + y * size + x] = (float)colour[c];
                minX = Math.Min(minX, x); maxX = Math.Max(maxX, x);
                minY = Math.Min(minY, y); maxY = Math.Max(maxY, y);
            }

        // Sensor noise over everything, clamped to [0,1].
        for (int i = 0; i < rgb.Length; i++)
            rgb[i] = (float)Math.Clamp(rgb[i] + Gaussian(rng) * 0.04, 0, 1);

        var box = new Box(minX, minY, maxX + 1, maxY + 1);
        return new Sample(rgb, cls, box, mask);
    }

    /// <summary>Shape membership of a point at offset (dx, dy) from the centre, for half-extent r.</summary>
    private static bool Inside(int cls, double dx, double dy, double r) => cls switch
    {
        0 => dx * dx + dy * dy <= r * r,                                                    // disk
        1 => Math.Abs(dx) <= r * 0.85 && Math.Abs(dy) <= r * 0.85,                          // square
        2 => dy >= -r && dy <= r && Math.Abs(dx) <= (dy + r) / 2,                            // triangle, apex up
        3 => (Math.Abs(dx) <= r && Math.Abs(dy) <= r * 0.3) || (Math.Abs(dy) <= r && Math.Abs(dx) <= r * 0.3), // cross
        4 => dx * dx + dy * dy <= r * r && dx * dx + dy * dy >= r * r * 0.36,               // ring
        5 => Math.Abs(dx) + Math.Abs(dy) <= r,                                               // diamond
        _ => throw new ArgumentOutOfRangeException(nameof(cls)),
    };

    private static void DrawSegment(float[] rgb, int size, double x0, double y0, double x1, double y1, double width, double[] col)
    {
        int n = size * size;
        double len2 = (x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0);
        int xa = Math.Max(0, (int)Math.Floor(Math.Min(x0, x1) - width - 1)), xb = Math.Min(size - 1, (int)Math.Ceiling(Math.Max(x0, x1) + width + 1));
        int ya = Math.Max(0, (int)Math.Floor(Math.Min(y0, y1) - width - 1)), yb = Math.Min(size - 1, (int)Math.Ceiling(Math.Max(y0, y1) + width + 1));
        for (int y = ya; y <= yb; y++)
            for (int x = xa; x <= xb; x++)
            {
                double px = x + 0.5, py = y + 0.5;
                double t = len2 == 0 ? 0 : Math.Clamp(((px - x0) * (x1 - x0) + (py - y0) * (y1 - y0)) / len2, 0, 1);
                double qx = x0 + t * (x1 - x0) - px, qy = y0 + t * (y1 - y0) - py;
                if (qx * qx + qy * qy <= width * width / 4 + 0.25)
                    for (int c = 0; c < 3; c++) rgb[c * n + y * size + x] = (float)col[c];
            }
    }

    private static double[] RandomColour(Random rng, double lo, double hi, bool saturated = false)
    {
        if (!saturated) return new[] { lo + rng.NextDouble() * (hi - lo), lo + rng.NextDouble() * (hi - lo), lo + rng.NextDouble() * (hi - lo) };
        // A saturated hue: one channel high, one low, one anywhere — stands out from the muted background.
        var c = new double[3];
        int hiC = rng.Next(3), loC = (hiC + 1 + rng.Next(2)) % 3;
        for (int i = 0; i < 3; i++) c[i] = rng.NextDouble();
        c[hiC] = 0.8 + 0.2 * rng.NextDouble();
        c[loC] = 0.15 * rng.NextDouble();
        return c;
    }

    private static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static int HashCode(int seed, int salt, int index)
    {
        unchecked
        {
            uint h = 2166136261;
            foreach (int v in new[] { seed, salt, index }) { h ^= (uint)v; h *= 16777619; h ^= h >> 15; }
            return (int)(h & 0x7fffffff);
        }
    }
}
