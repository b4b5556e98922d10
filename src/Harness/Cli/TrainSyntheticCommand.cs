using System.CommandLine;
using GuidedCam.Harness.Datasets;
using GuidedCam.Harness.Models;
using GuidedCam.Harness.Results;
using GuidedCam.Harness.Training;

namespace GuidedCam.Harness.Cli;

/// <summary>`guidedcam train-synthetic`: trains the built-in CNN and writes its weights.</summary>
public static class TrainSyntheticCommand
{
    /// <summary>Held-out accuracy the weights must reach before they replace the target file.</summary>
    public const double MinAccuracy = 0.95;

    public static Command Create()
    {
        var d = new TrainOptions();
        var outOpt = new Option<string>("--out")
        {
            Description = $"where to write the weights (default {BuiltinModel.FileName} in the current folder; the shipped models/builtin/{BuiltinModel.FileName} is replaced only when named here)",
            DefaultValueFactory = _ => BuiltinModel.FileName,
        };
        var seed = new Option<int>("--seed") { Description = "seed of data and initialisation", DefaultValueFactory = _ => d.Seed };
        var epochs = new Option<int>("--epochs") { Description = "training epochs (1–1000)", DefaultValueFactory = _ => d.Epochs };
        var trainCount = new Option<int>("--train-count") { Description = "training images (1–1,000,000)", DefaultValueFactory = _ => d.TrainCount };
        var valCount = new Option<int>("--val-count") { Description = "held-out images (1–1,000,000)", DefaultValueFactory = _ => d.ValCount };
        var threads = new Option<int>("--threads") { Description = "libtorch threads (1–1024)", DefaultValueFactory = _ => d.Threads };
        var cmd = new Command("train-synthetic", $"Train the built-in CNN on the synthetic shapes dataset; the weights replace --out only when their held-out accuracy reaches {MinAccuracy:P0} (the shipped weights were made with the defaults).")
        {
            outOpt, seed, epochs, trainCount, valCount, threads,
        };
        cmd.SetAction(r => CliErrors.Guard(() =>
        {
            var o = d with
            {
                Seed = r.GetValue(seed), Epochs = r.GetValue(epochs), TrainCount = r.GetValue(trainCount),
                ValCount = r.GetValue(valCount), Threads = r.GetValue(threads),
            };
            Range("--epochs", o.Epochs, 1, 1000);
            Range("--train-count", o.TrainCount, 1, SyntheticDataset.MaxCount);
            Range("--val-count", o.ValCount, 1, SyntheticDataset.MaxCount);
            Range("--threads", o.Threads, 1, 1024);
            Range("--seed", o.Seed, 0, int.MaxValue);
            string path = Path.GetFullPath(r.GetValue(outOpt)!);
            if (Directory.Exists(path)) throw new ArgumentException($"--out {path} is a folder; give the weights file to write");
            string folder = Path.GetDirectoryName(path)!;
            RunFolder.Writing(path, () => Directory.CreateDirectory(folder));
            // Weights go to a temporary file beside the target and replace it only after the accuracy
            // check: a failed or interrupted training never leaves a worse model under the target's name.
            string tmp = Path.Combine(folder, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
            try
            {
                var result = SyntheticTrainer.Train(o, tmp);
                if (result.ValAccuracy < MinAccuracy)
                {
                    Console.Error.WriteLine($"error: held-out accuracy {result.ValAccuracy:P2} on {o.ValCount} images is below {MinAccuracy:P0}; {path} was not written");
                    return 3;
                }
                RunFolder.Writing(path, () => File.Move(tmp, path, overwrite: true));
                Console.WriteLine($"saved {path}: held-out accuracy {result.ValAccuracy:P2} on {o.ValCount} images ({result.Elapsed.TotalSeconds:F0} s)");
                return 0;
            }
            finally
            {
                if (File.Exists(tmp)) File.Delete(tmp);
            }
        }));
        return cmd;
    }

    private static void Range(string name, int value, int min, int max)
    {
        if (value < min || value > max) throw new ArgumentException($"{name} must be from {min:N0} to {max:N0}, not {value}");
    }
}
