using GuidedCam.Core;
using GuidedCam.Harness.Results;
using GuidedCam.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Running;

/// <summary>
/// Evaluates metrics on one group of items under one method: builds the metric batch of the units of
/// the items that need the metric (predicted or ground-truth units, their maps, inputs and stored clean
/// logits) and turns the values into cells. Metrics with the same target selection on the same items
/// share one batch object, so Average Drop and Increase in Confidence share their masked forward
/// (<see cref="MaskedConfidence"/>).
/// </summary>
public sealed class MetricEvaluation(IClassifier model, Tensor x, EvaluationUnits units, Normalization norm, IReadOnlyList<string>? classNames)
{
    private readonly Dictionary<(TargetSelection, string), MetricBatch?> _batches = new();

    /// <summary>The cells of <paramref name="metric"/> for the items at <paramref name="rows"/> (group rows), given the method's maps by (row, target).</summary>
    public IEnumerable<MetricValue> Evaluate(IMetric metric, IReadOnlyList<int> rows, string methodKey, IReadOnlyDictionary<(int Row, long Target), Tensor> maps)
    {
        var key = (metric.Target, methodKey + "|" + string.Join(',', rows));
        if (!_batches.TryGetValue(key, out var batch)) _batches[key] = batch = Build(metric.Target, rows, maps);
        return batch is null ? Array.Empty<MetricValue>() : metric.Evaluate(batch);
    }

    private MetricBatch? Build(TargetSelection selection, IReadOnlyList<int> rows, IReadOnlyDictionary<(int Row, long Target), Tensor> maps)
    {
        var wanted = rows.ToHashSet();
        var unitRows = new List<int>();
        var list = new List<EvaluationUnit>();
        if (selection == TargetSelection.Predicted)
            foreach (int r in rows) { unitRows.Add(r); list.Add(units.Predicted[r]); }
        else
            for (int k = 0; k < units.GroundTruth.Count; k++)
                if (wanted.Contains(units.GroundTruthRows[k])) { unitRows.Add(units.GroundTruthRows[k]); list.Add(units.GroundTruth[k]); }
        if (list.Count == 0) return null;
        var idx = torch.tensor(unitRows.Select(r => (long)r).ToArray(), device: x.device);
        return new MetricBatch
        {
            Model = model,
            Inputs = x.index_select(0, idx),
            Maps = torch.stack(list.Select((u, k) => maps[(unitRows[k], u.ModelTarget)]).ToArray()),
            Units = list,
            CleanLogits = units.CleanLogits.index_select(0, idx),
            Normalization = norm,
            DatasetClassNames = classNames,
        };
    }
}
