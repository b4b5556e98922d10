using System.Globalization;
using System.Text.Json;
using GuidedCam.Harness.Cli;
using Xunit.Abstractions;

namespace GuidedCam.Tests.Acceptance;

/// <summary>
/// `guidedcam score` from the command line: ROAD on the golden maps reproduces pytorch-grad-cam
/// (../shared/golden/road-squeezenet1.1-dog), other metrics run on given maps, and bad input is one
/// line and exit code 2.
/// </summary>
public class ScoreCommandAcceptanceTests(ITestOutputHelper output)
{
    private static string Case => SharedPaths.Require("golden", "squeezenet1.1-dog");

    private static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "gc-score-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Runs the CLI as a user would and returns (exit code, stderr).</summary>
    private static (int Code, string Error) Cli(params string[] args)
    {
        var error = new StringWriter();
        var saved = Console.Error;
        Console.SetError(error);
        try { return (CommandLine.Run(args), error.ToString()); }
        finally { Console.SetError(saved); }
    }

    [Fact]
    public void ROAD_on_the_golden_GuidedCam_map_matches_the_reference_from_the_command_line()
    {
        TestSetup.Torch();
        string dir = TempDir();
        string metrics = Path.Combine(dir, "metrics.yaml");
        File.WriteAllText(metrics, "metrics:\n  - {id: road, noise: 0}\n  - {id: road, noise: 0, output: morf}\n  - {id: road, noise: 0, output: lerf}\n");
        var (code, error) = Cli("score", "--model", SharedPaths.SqueezeNetOnnx, "--input", Path.Combine(Case, "input.npy"),
            "--map", Path.Combine(Case, "target-537", "guidedcam.npy"), "--target", "537", "--metrics", metrics, "--out", Path.Combine(dir, "out"));
        Assert.True(code == 0, error);
        var rows = File.ReadAllLines(Path.Combine(dir, "out", "scores.csv"));
        Assert.Equal("sample,metric,metric_options,value", rows[0]);
        Assert.Equal(4, rows.Length);
        double Value(string output) => double.Parse(rows.Single(r => r.Contains("output=" + output)).Split(',')[^1], CultureInfo.InvariantCulture);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(SharedPaths.Require("golden", "road-squeezenet1.1-dog"), "road-summary.json")));
        var gold = summary.RootElement.GetProperty("guidedcam@537");
        output.WriteLine($"combined {Value("combined"):F6} (ref {gold.GetProperty("combined").GetDouble():F6}), morf {Value("morf"):F6}, lerf {Value("lerf"):F6}");
        // road-summary.json (pytorch-grad-cam 1.5.5, noise 0); tolerance 1e-3 of the golden README.
        Assert.True(Math.Abs(Value("combined") - gold.GetProperty("combined").GetDouble()) <= 1e-3);
        Assert.True(Math.Abs(Value("morf") - gold.GetProperty("morf_average").GetDouble()) <= 1e-3);
        Assert.True(Math.Abs(Value("lerf") - gold.GetProperty("lerf_average").GetDouble()) <= 1e-3);
        // Nine curve points per value: 3 × 9 rows + header.
        Assert.Equal(28, File.ReadAllLines(Path.Combine(dir, "out", "curves.csv")).Length);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void Region_metrics_need_boxes_and_run_with_them()
    {
        TestSetup.Torch();
        string dir = TempDir();
        string[] args = { "score", "--model", SharedPaths.SqueezeNetOnnx, "--input", Path.Combine(Case, "input.npy"),
            "--map", Path.Combine(Case, "target-537", "gradcam.npy"), "--target", "537", "--metrics", "pointing-game,energy-pointing-game", "--out", Path.Combine(dir, "out") };
        var (code, error) = Cli(args);
        Assert.Equal(2, code);
        Assert.Contains("needs the ground-truth boxes", error);
        Assert.Single(error.Trim().Split('\n'));

        // The whole input as the box: the maximum is inside (hit: 100 %) and all the energy is inside (100 %).
        (code, error) = Cli(args.Concat(new[] { "--boxes", "0,0,224,224" }).ToArray());
        Assert.True(code == 0, error);
        var rows = File.ReadAllLines(Path.Combine(dir, "out", "scores.csv"));
        Assert.Equal(3, rows.Length);
        Assert.All(rows.Skip(1), r => Assert.Equal(100.0, double.Parse(r.Split(',')[^1], CultureInfo.InvariantCulture), 9));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void Bad_input_is_one_line_and_exit_code_2()
    {
        TestSetup.Torch();
        string dir = TempDir();
        string input = Path.Combine(Case, "input.npy");
        string map = Path.Combine(Case, "target-537", "gradcam.npy");
        string small = Path.Combine(dir, "small.npy");
        GuidedCam.Core.Npy.WriteFloat32(small, new float[100], new long[] { 10, 10 });
        string outOfRange = Path.Combine(dir, "raw.npy");
        GuidedCam.Core.Npy.WriteFloat32(outOfRange, Enumerable.Repeat(2f, 224 * 224).ToArray(), new long[] { 224, 224 });
        string Run(string expected, params string[] extra)
        {
            var baseArgs = new Dictionary<string, string>
            {
                ["--model"] = SharedPaths.SqueezeNetOnnx, ["--input"] = input, ["--map"] = map, ["--target"] = "537",
                ["--metrics"] = "average-drop", ["--out"] = Path.Combine(dir, "out"),
            };
            for (int i = 0; i < extra.Length; i += 2) baseArgs[extra[i]] = extra[i + 1];
            var (code, error) = Cli(new[] { "score" }.Concat(baseArgs.SelectMany(kv => new[] { kv.Key, kv.Value })).ToArray());
            Assert.Equal(2, code);
            Assert.Single(error.Trim().Split('\n'));
            Assert.Contains(expected, error);
            return error;
        }
        output.WriteLine(Run("the map is 10×10 but the input", "--map", small));
        output.WriteLine(Run("map values must be in [0, 1]", "--map", outOfRange));
        output.WriteLine(Run("--target must be top1 or a class index in 0..999", "--target", "1000"));
        output.WriteLine(Run("expected a tensor N×3×H×W", "--input", map));
        output.WriteLine(Run("unknown metric 'roads'", "--metrics", "road,roads"));
        output.WriteLine(Run("--boxes: '1,2,3' is not a box", "--boxes", "1,2,3"));
        Assert.False(File.Exists(Path.Combine(dir, "out", "scores.csv")));
        Directory.Delete(dir, recursive: true);
    }
}
