using GuidedCam.Core;
using GuidedCam.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Tests.TestSupport;

/// <summary>Builds small items, units and batches for the analytic metric tests.</summary>
public static class MetricFixtures
{
    /// <summary>An item whose channel 0 is <paramref name="channel0"/> and channels 1, 2 are given (default 0).</summary>
    public static DatasetItem Item(string id, int height, int width, float[] channel0, IReadOnlyList<ObjectAnnotation>? objects = null,
        PreprocessGeometry? geometry = null, float[]? channel1 = null, float[]? channel2 = null)
    {
        int hw = height * width;
        var input = new float[3 * hw];
        Array.Copy(channel0, 0, input, 0, hw);
        if (channel1 != null) Array.Copy(channel1, 0, input, hw, hw);
        if (channel2 != null) Array.Copy(channel2, 0, input, 2 * hw, hw);
        return new DatasetItem
        {
            Id = id,
            Input = input,
            Geometry = geometry ?? PreprocessGeometry.Identity(width, height),
            Objects = objects ?? Array.Empty<ObjectAnnotation>(),
        };
    }

    /// <summary>
    /// A batch: inputs stacked from the items, maps N×H×W from <paramref name="maps"/>, clean logits
    /// from one forward of <paramref name="model"/>. Normalisation mean 0.5 / std 0.25 on every channel
    /// unless given (round numbers for the `pixel` masking hand calculation).
    /// </summary>
    public static MetricBatch Batch(IClassifier model, IReadOnlyList<EvaluationUnit> units, IReadOnlyList<float[]> maps, Normalization? normalization = null)
    {
        var g = units[0].Item.Geometry;
        long n = units.Count, h = g.InputHeight, w = g.InputWidth;
        var inputs = torch.tensor(units.SelectMany(u => u.Item.Input).ToArray(), new long[] { n, 3, h, w });
        var mapTensor = torch.tensor(maps.SelectMany(m => m).ToArray(), new long[] { n, h, w });
        using var noGrad = torch.no_grad();
        return new MetricBatch
        {
            Model = model,
            Inputs = inputs,
            Maps = mapTensor,
            Units = units,
            CleanLogits = model.Forward(inputs),
            Normalization = normalization ?? new Normalization(new[] { 0.5f, 0.5f, 0.5f }, new[] { 0.25f, 0.25f, 0.25f }),
        };
    }

    /// <summary>Predicted-target unit with class c and top-1 c.</summary>
    public static EvaluationUnit Unit(DatasetItem item, long target = 0, int? datasetClass = null, long? top1 = null) =>
        new(item, target, datasetClass, top1 ?? target);

    /// <summary>A one-pixel box around pixel (column, row) in Box's pixel-edge convention.</summary>
    public static Box PixelBox(int column, int row) => new(column, row, column + 1, row + 1);

    /// <summary>A model that ignores its input (weights 0): for the region metrics, which never forward.</summary>
    public static ToyClassifier NullModel(int height, int width) => new(new float[height * width], height, width);

    public static float[] Zeros(int count) => new float[count];
}
