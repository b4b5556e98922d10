using System.Diagnostics;
using GuidedCam.Harness.Models.Onnx;

namespace GuidedCam.Tests.TestSupport;

/// <summary>The shared SqueezeNet 1.1 ONNX model, loaded once for all tests of a class (loading is the slow part).</summary>
public sealed class SqueezeNetOnnxFixture : IDisposable
{
    public SqueezeNetOnnxFixture()
    {
        TestSetup.Torch();
        var watch = Stopwatch.StartNew();
        Model = new OnnxClassifier(SharedPaths.SqueezeNetOnnx, "squeezenet0_concat7");
        LoadTime = watch.Elapsed;
    }

    public OnnxClassifier Model { get; }
    public TimeSpan LoadTime { get; }

    public void Dispose() => Model.Dispose();
}
