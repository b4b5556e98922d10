namespace GuidedCam.Harness.Results;

/// <summary>
/// "Every unit of this item was evaluated with this method and metric": the completion marker of the
/// cells of one (model, dataset, item, method, metric). It makes a metric that yields no value for an
/// item (no unit of its target kind) count as done instead of being retried on every run.
/// </summary>
public sealed record EvaluationMark(string ModelKey, string DatasetKey, string ItemId, string MethodKey, string MetricKey);
