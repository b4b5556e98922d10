using System.CommandLine;
using GuidedCam.Harness.Models;
using GuidedCam.Harness.Training;

namespace GuidedCam.Harness.Cli;

/// <summary>`guidedcam train-synthetic`: trains the built-in CNN and writes its weights.</summary>
public static class TrainSyntheticCommand
{
    public static Command Create()
    {
        var d = new TrainOptions();
        var outOpt = new Option<string>("--out") { Description = "where to write the weights", DefaultValueFactory = _ => "models/builtin/" + BuiltinModel.FileName };
        var seed = new Option<int>("--seed") { Description = "seed of data and initialisation", DefaultValueFactory = _ => d.Seed };
        var epochs = new Option<int>("--epochs") { Description = "training epochs", DefaultValueFactory = _ => d.Epochs };
        var trainCount = new Option<int>("--train-count") { Description = "training images", DefaultValueFactory = _ => d.TrainCount };
        var valCount = new Option<int>("--val-count") { Description = "held-out images", DefaultValueFactory = _ => d.ValCount };
        var threads = new Option<int>("--threads") { Description = "libtorch threads", DefaultValueFactory = _ => d.Threads };
        var cmd = new Command("train-synthetic", "Train the built-in CNN on the synthetic shapes dataset and save its weights (the shipped weights were made with the defaults).")
        {
            outOpt, seed, epochs, trainCount, valCount, threads,
        };
        cmd.SetAction(r =>
        {
            var o = d with
            {
                Seed = r.GetValue(seed), Epochs = r.GetValue(epochs), TrainCount = r.GetValue(trainCount),
                ValCount = r.GetValue(valCount), Threads = r.GetValue(threads),
            };
            string path = r.GetValue(outOpt)!;
            var result = SyntheticTrainer.Train(o, path);
            Console.WriteLine($"saved {path}: held-out accuracy {result.ValAccuracy:P2} on {o.ValCount} images ({result.Elapsed.TotalSeconds:F0} s)");
            return result.ValAccuracy >= 0.95 ? 0 : 3;
        });
        return cmd;
    }
}
