using GuidedCam.Harness.Cli;

namespace GuidedCam.Tests.Harness.Bench;

/// <summary>
/// `bench --forward --model X.onnx --layer L` opens a graph that has no known default target layer with the layer
/// given (issue 17, item 7); without it the command says what is missing. Run through the whole command line, as
/// a user types it.
/// </summary>
public sealed class BenchForwardLayerTests
{
    private static (int Code, string Output, string Error) Cli(params string[] args)
    {
        var error = new StringWriter();
        var output = new StringWriter();
        var (savedError, savedOut) = (Console.Error, Console.Out);
        Console.SetError(error);
        Console.SetOut(output);
        try { return (CommandLine.Run(args), output.ToString(), error.ToString()); }
        finally { Console.SetError(savedError); Console.SetOut(savedOut); }
    }

    [Fact]
    public void Forward_bench_honours_the_layer_option()
    {
        TestSetup.Torch();
        using var temp = TempDir.Create();
        string model = OnnxModelBuilder.SmallCnn(Path.Combine(temp.Folder, "cnn.onnx"), exportBatch: 0);

        var without = Cli("bench", "--forward", "--model", model, "--batch-sizes", "1,2", "--repeats", "1");
        Assert.NotEqual(0, without.Code);
        Assert.Contains("no known default target layer", without.Error);

        var with = Cli("bench", "--forward", "--model", model, "--layer", "relu", "--batch-sizes", "1,2", "--repeats", "1");
        Assert.True(with.Code == 0, with.Error);

        var unknown = Cli("bench", "--forward", "--model", model, "--layer", "nope", "--batch-sizes", "1", "--repeats", "1");
        Assert.NotEqual(0, unknown.Code);
        Assert.Contains("nope", unknown.Error);
    }
}
