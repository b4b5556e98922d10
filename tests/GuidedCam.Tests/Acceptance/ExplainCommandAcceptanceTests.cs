using GuidedCam.Core;
using GuidedCam.Harness.Cli;
using Xunit.Abstractions;

namespace GuidedCam.Tests.Acceptance;

/// <summary>
/// `guidedcam explain` on SqueezeNet 1.1 (ONNX) reproduces the golden Grad-CAM map and
/// logits of pytorch-grad-cam 1.5.5 (../shared/golden/squeezenet1.1-dog), writes the Global-Guidance
/// overlay, and on the raw photo predicts what ../shared/models/squeezenet1.1/README.md measured.
/// </summary>
public class ExplainCommandAcceptanceTests(ITestOutputHelper output)
{
    private static string TempDir() => Path.Combine(Path.GetTempPath(), "gc-explain-" + Guid.NewGuid().ToString("N"));

    private static double MaxAbsDiff(float[] a, float[] b)
    {
        Assert.Equal(b.Length, a.Length);
        double m = 0;
        for (int i = 0; i < a.Length; i++) m = Math.Max(m, Math.Abs(a[i] - b[i]));
        return m;
    }

    [Fact]
    public void Explain_on_the_golden_tensor_matches_the_golden_GradCam_and_logits()
    {
        TestSetup.Torch();
        string golden = SharedPaths.Require("golden", "squeezenet1.1-dog");
        string dir = TempDir();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        // As on the command line: --model <onnx> --input input.npy --target 537 --methods gradcam,guidedcam --out DIR.
        int rc = ExplainCommand.Run(SharedPaths.SqueezeNetOnnx, weights: null, layer: null,
            Path.Combine(golden, "input.npy"), "537", "gradcam,guidedcam", dir, seed: 0);
        output.WriteLine($"explain took {watch.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(0, rc);

        var map = Npy.ReadFloat32(Path.Combine(dir, "gradcam.npy"));
        var goldenMap = Npy.ReadFloat32(Path.Combine(golden, "target-537", "gradcam.npy"));
        Assert.Equal(new long[] { 224, 224 }, map.Shape);
        double mapDiff = MaxAbsDiff(map.Data, goldenMap.Data);
        output.WriteLine($"gradcam.npy max |Δ| vs golden = {mapDiff:E2}");
        // Tolerance of final maps in ../shared/golden/README.md.
        Assert.True(mapDiff <= 1e-3, $"gradcam.npy differs from golden by {mapDiff:E2}");

        var logits = Npy.ReadFloat32(Path.Combine(dir, "logits.npy"));
        var goldenLogits = Npy.ReadFloat32(Path.Combine(golden, "logits.npy"));
        double logitDiff = MaxAbsDiff(logits.Data, goldenLogits.Data);
        output.WriteLine($"logits.npy max |Δ| vs golden = {logitDiff:E2}");
        // The golden logits come from torchvision with these weights and agree with ONNX Runtime to 1.2e-4
        // (golden README); 2e-4 leaves room for float32 summation order in our ONNX import.
        Assert.True(logitDiff <= 2e-4, $"logits.npy differs from golden by {logitDiff:E2}");

        // The overlay is a real PNG (signature 89 50 4E 47) of the 224×224 input.
        string png = Path.Combine(dir, "guidedcam.png");
        Assert.True(File.Exists(png), "guidedcam.png was not written");
        using (var img = SixLabors.ImageSharp.Image.Load(png))
        {
            Assert.Equal(224, img.Width);
            Assert.Equal(224, img.Height);
        }
        Assert.True(File.Exists(Path.Combine(dir, "guidedcam.npy")));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void Explain_on_the_photo_predicts_dogsled()
    {
        TestSetup.Torch();
        string photo = SharedPaths.Require("datasets", "voc2012-mini", "VOCdevkit", "VOC2012", "JPEGImages", "darknet_dog.jpg");
        string dir = TempDir();
        int rc = ExplainCommand.Run(SharedPaths.SqueezeNetOnnx, null, null, photo, "top1", "gradcam", dir, 0);
        Assert.Equal(0, rc);
        var logits = Npy.ReadFloat32(Path.Combine(dir, "logits.npy")).Data;
        var order = Enumerable.Range(0, logits.Length).OrderByDescending(i => logits[i]).ToArray();
        double max = logits.Max();
        double p = 1 / logits.Sum(l => Math.Exp(l - max));
        output.WriteLine($"top-5 {string.Join(", ", order.Take(5))}; softmax p(top-1) = {p:P1}");
        // ../shared/models/squeezenet1.1/README.md (ONNX Runtime, resize 256 bilinear, crop 224): top-1 537
        // "dogsled" at 96 %, then 249 malamute, 248 Eskimo dog and 250 Siberian husky. We measure 92.1 %:
        // our JPEG decode and bilinear resize (ImageSharp) differ slightly from the README's pipeline, which
        // moves the probability but not the ranking; 90 % bounds that.
        Assert.Equal(537, order[0]);
        Assert.Equal(new[] { 248, 249, 250 }, order.Skip(1).Take(3).Order().ToArray());
        Assert.InRange(p, 0.9, 1.0);
        Assert.True(File.Exists(Path.Combine(dir, "gradcam.npy")));
        Directory.Delete(dir, recursive: true);
    }
}
