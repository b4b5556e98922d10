using GuidedCam.Harness.Results;
using GuidedCam.Metrics;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Running;

/// <summary>
/// The grid's maps: the first items of the ordered list keep each method's top-1 map and their input
/// image, written through the sink after the batch is committed (a kill in between only means they are
/// written again).
/// </summary>
public sealed class QualitativeOutput(IResultSink sink, string model, string dataset, Normalization norm)
{
    private readonly List<(Core.DatasetItem Item, string Method, string Options, Tensor Map, Tensor Input)> _pending = new();

    public void Add(Core.DatasetItem item, Methods.ISaliencyMethod method, Tensor map, Tensor input) =>
        _pending.Add((item, method.Id, ResultRecord.CanonicalOptions(method.Options), map, input));

    public void Flush()
    {
        foreach (var (item, method, options, map, input) in _pending)
            sink.SaveQualitative(model, dataset, item, method, options, map, input, norm);
        _pending.Clear();
    }
}
