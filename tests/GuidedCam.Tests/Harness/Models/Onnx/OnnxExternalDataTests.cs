using Google.Protobuf;
using GuidedCam.Harness.Models.Onnx;
using Onnx;

namespace GuidedCam.Tests.Harness.Models.Onnx;

/// <summary>An ONNX model from the internet must not read files outside its own folder through external data.</summary>
public sealed class OnnxExternalDataTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "guidedcam-onnx-" + Guid.NewGuid().ToString("N")[..12]);

    public OnnxExternalDataTests() => Directory.CreateDirectory(Path.Combine(_root, "model"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static TensorProto External(string location) => new()
    {
        Name = "w",
        DataType = (int)TensorProto.Types.DataType.Float,
        Dims = { 2 },
        DataLocation = TensorProto.Types.DataLocation.External,
        ExternalData = { new StringStringEntryProto { Key = "location", Value = location } },
    };

    [Fact]
    public void External_data_outside_the_model_folder_is_refused()
    {
        string secret = Path.Combine(_root, "secret.bin");
        File.WriteAllBytes(secret, new byte[8]);
        string modelDir = Path.Combine(_root, "model");
        foreach (string location in new[] { secret, "../secret.bin", "sub/../../secret.bin" })
        {
            var e = Assert.Throws<InvalidDataException>(() => OnnxTensors.ToTensor(External(location), modelDir, "evil.onnx"));
            Assert.Contains("evil.onnx", e.Message);
            Assert.Contains(location, e.Message);
        }
        // A symbolic link inside the folder that points outside is refused too.
        File.CreateSymbolicLink(Path.Combine(modelDir, "link.bin"), secret);
        Assert.Throws<InvalidDataException>(() => OnnxTensors.ToTensor(External("link.bin"), modelDir, "evil.onnx"));
    }

    [Fact]
    public void External_data_inside_the_model_folder_is_read()
    {
        string modelDir = Path.Combine(_root, "model");
        File.WriteAllBytes(Path.Combine(modelDir, "w.bin"), BitConverter.GetBytes(1.5f).Concat(BitConverter.GetBytes(-2f)).ToArray());
        using var t = OnnxTensors.ToTensor(External("w.bin"), modelDir, "ok.onnx");
        Assert.Equal(new[] { 1.5f, -2f }, t.data<float>().ToArray());
    }
}
