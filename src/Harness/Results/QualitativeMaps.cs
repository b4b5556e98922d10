using GuidedCam.Core;
using GuidedCam.Metrics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Results;

/// <summary>
/// Maps of the first few items, kept for the qualitative grid: files laid out by <see cref="RunLayout"/>: each method's final
/// H×W float32 map and `input.png` (the network input, de-normalised).
/// </summary>
public static class QualitativeMaps
{
    public static void Save(string runDir, string model, string dataset, DatasetItem item, string method, string methodOptions, Tensor map, Tensor input, Normalization norm)
    {
        string file = RunLayout.MapFile(runDir, model, dataset, item.Id, method, methodOptions);
        var m = map.cpu().to(ScalarType.Float32).contiguous();
        RunFolder.Writing(file, () =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            Npy.WriteFloat32(file, m.data<float>().ToArray(), m.shape);
        });
        string png = RunLayout.InputImage(runDir, model, dataset, item.Id);
        if (!File.Exists(png)) RunFolder.Writing(png, () => SaveInput(png, input, norm));
    }

    /// <summary>A normalised 3×H×W tensor back to an 8-bit RGB PNG.</summary>
    public static void SaveInput(string path, Tensor input, Normalization norm)
    {
        using var img = ToImage(input, norm);
        img.SaveAsPng(path);
    }

    /// <summary>A normalised 3×H×W tensor back to an 8-bit RGB image (RGB channel order).</summary>
    public static Image<Rgb24> ToImage(Tensor input, Normalization norm)
    {
        var t = input.cpu().to(ScalarType.Float32);
        int h = (int)t.shape[1], w = (int)t.shape[2];
        var d = t.data<float>().ToArray();
        var img = new Image<Rgb24>(w, h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                byte Ch(int c) => (byte)Math.Clamp(Math.Round((d[c * h * w + y * w + x] * norm.Std[c] + norm.Mean[c]) * 255), 0, 255);
                img[x, y] = new Rgb24(Ch(0), Ch(1), Ch(2));
            }
        return img;
    }

}
