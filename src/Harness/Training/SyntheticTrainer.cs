using System.Diagnostics;
using GuidedCam.Core;
using GuidedCam.Harness.Datasets;
using GuidedCam.Harness.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Training;

/// <summary>Options of `guidedcam train-synthetic`; the defaults made the shipped weights.</summary>
public sealed record TrainOptions
{
    public int Seed { get; init; } = 0;
    public int TrainCount { get; init; } = 6000;
    public int ValCount { get; init; } = 1000;
    public int Epochs { get; init; } = 8;
    public int BatchSize { get; init; } = 64;
    public double LearningRate { get; init; } = 3e-3;
    public int ImageSize { get; init; } = 64;
    public int Threads { get; init; } = 2;
}

public sealed record TrainResult(double TrainAccuracy, double ValAccuracy, TimeSpan Elapsed);

/// <summary>
/// Trains <see cref="SyntheticCnn"/> on the synthetic train split with Adam and cross-entropy, and
/// measures accuracy on the held-out `val` split (different seeds, never seen in training).
/// Deterministic for a seed and thread count (torch.manual_seed, fixed data order per epoch).
/// </summary>
public static class SyntheticTrainer
{
    public static TrainResult Train(TrainOptions o, string outPath, Action<string>? log = null)
    {
        log ??= Console.WriteLine;
        TorchRuntime.Initialize(o.Threads);
        torch.manual_seed(o.Seed);
        var sw = Stopwatch.StartNew();
        var pre = SyntheticDataset.DefaultPreprocessing;
        var train = new SyntheticDataset("synthetic-train", o.TrainCount, o.Seed, "train", o.ImageSize);
        var val = new SyntheticDataset("synthetic-val", o.ValCount, o.Seed, "val", o.ImageSize);
        var (xTrain, yTrain) = Materialize(train, pre);
        var (xVal, yVal) = Materialize(val, pre);

        using var net = new SyntheticCnn(SyntheticDataset.Shapes.Length);
        var optimizer = torch.optim.Adam(net.parameters(), lr: o.LearningRate);
        var schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, o.Epochs);
        var rng = new Random(o.Seed);
        int n = (int)xTrain.shape[0];
        double trainAcc = 0;
        for (int epoch = 0; epoch < o.Epochs; epoch++)
        {
            net.train();
            var order = Enumerable.Range(0, n).OrderBy(_ => rng.Next()).ToArray();
            long correct = 0;
            double lossSum = 0;
            for (int start = 0; start < n; start += o.BatchSize)
            {
                using var scope = torch.NewDisposeScope();
                var idx = torch.tensor(order.Skip(start).Take(o.BatchSize).Select(i => (long)i).ToArray(), device: torch.CPU);
                var xb = xTrain.index_select(0, idx);
                var yb = yTrain.index_select(0, idx);
                optimizer.zero_grad();
                var logits = net.call(xb);
                var loss = nn.functional.cross_entropy(logits, yb);
                loss.backward();
                optimizer.step();
                lossSum += loss.item<float>() * xb.shape[0];
                correct += logits.argmax(1).eq(yb).sum().item<long>();
            }
            schedule.step();
            trainAcc = (double)correct / n;
            double valAcc = Accuracy(net, xVal, yVal, o.BatchSize);
            log($"epoch {epoch + 1}/{o.Epochs}: loss {lossSum / n:F4}, train accuracy {trainAcc:P2}, held-out accuracy {valAcc:P2} ({sw.Elapsed.TotalSeconds:F0} s)");
        }
        double finalVal = Accuracy(net, xVal, yVal, o.BatchSize);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
        FilePaths.Writing(outPath, () => net.save(outPath));
        xTrain.Dispose(); yTrain.Dispose(); xVal.Dispose(); yVal.Dispose();
        return new TrainResult(trainAcc, finalVal, sw.Elapsed);
    }

    /// <summary>Held-out accuracy of a classifier on a synthetic split (also used by tests).</summary>
    public static double Accuracy(nn.Module<Tensor, Tensor> net, Tensor x, Tensor y, int batchSize)
    {
        net.eval();
        using var noGrad = torch.no_grad();
        long correct = 0;
        for (long start = 0; start < x.shape[0]; start += batchSize)
        {
            using var scope = torch.NewDisposeScope();
            long len = Math.Min(batchSize, x.shape[0] - start);
            var logits = net.call(x.narrow(0, start, len));
            correct += logits.argmax(1).eq(y.narrow(0, start, len)).sum().item<long>();
        }
        return (double)correct / x.shape[0];
    }

    /// <summary>All items of a synthetic split as one N×3×S×S tensor and their labels.</summary>
    public static (Tensor x, Tensor y) Materialize(SyntheticDataset ds, Preprocessing pre)
    {
        int s = ds.ImageSize;
        var data = new float[ds.ItemIds.Count * 3 * s * s];
        var labels = new long[ds.ItemIds.Count];
        Parallel.For(0, ds.ItemIds.Count, i =>
        {
            var item = ds.Load(ds.ItemIds[i], pre);
            Array.Copy(item.Input, 0, data, (long)i * 3 * s * s, item.Input.Length);
            labels[i] = item.Objects[0].ClassIndex;
        });
        return (torch.tensor(data, new long[] { ds.ItemIds.Count, 3, s, s }, device: torch.CPU), torch.tensor(labels, device: torch.CPU));
    }
}
