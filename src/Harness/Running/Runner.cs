using GuidedCam.Core;
using GuidedCam.Harness.Config;
using GuidedCam.Harness.Datasets;
using GuidedCam.Harness.Models;
using GuidedCam.Harness.Results;
using GuidedCam.Methods;
using GuidedCam.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Running;

/// <summary>Progress of a run, one stage per (model, dataset); the CLI shows it with ETA.</summary>
public interface IRunProgress
{
    void StartStage(string name, int totalItems);
    void Advance(int items);
    void EndStage();
}

/// <summary>What a finished run did (counts only; the values are in the sink).</summary>
public sealed record RunStats(int ItemsComputed, int ItemsResumed, int ItemsSkipped, int Records, int ConstantMaps);

/// <summary>
/// The data flow of STYLE.md, one way: config → plan (models × datasets) → batches of items → maps
/// for every method → metric values → result sink. Batches have fixed boundaries in the (sharded)
/// ordered item list and are committed atomically, so a killed run resumes at the first unfinished
/// batch and recomputes exactly what an uninterrupted run would have computed. One dispose scope per
/// batch keeps memory flat (NOTES-torchsharp.md).
/// </summary>
public sealed class Runner
{
    private readonly ExperimentConfig _cfg;
    private readonly IReadOnlyList<ISaliencyMethod> _methods;
    private readonly IReadOnlyList<IMetric> _metrics;
    private readonly Action<string> _log;

    /// <param name="methods">Where method ids are looked up; the built-in methods when null.</param>
    /// <param name="metrics">Where metric ids are looked up; the built-in metrics when null.</param>
    public Runner(ExperimentConfig cfg, Action<string>? log = null, MethodCatalog? methods = null, MetricCatalog? metrics = null)
    {
        _cfg = cfg;
        _log = log ?? (_ => { });
        _methods = cfg.Methods.Select(e => (methods ?? MethodRegistry.BuiltIn).Create(e.Id, e.Options)).ToArray();
        _metrics = cfg.Metrics.Select(e => (metrics ?? MetricRegistry.BuiltIn).Create(e.Id, e.Options)).ToArray();
    }

    public IReadOnlyList<ISaliencyMethod> Methods => _methods;
    public IReadOnlyList<IMetric> Metrics => _metrics;

    /// <summary>The run's method list in canonical form: part of every unit key, so a different method set never counts as done.</summary>
    public string MethodSet => UnitKey.MethodSetOf(_methods.Select(m => (m.Id, ResultRecord.CanonicalOptions(m.Options))));

    /// <summary>Runs the whole plan. <paramref name="select"/> picks this shard's items from a dataset's ordered ids.</summary>
    public RunStats Run(string runDir, IResultSink sink, IRunProgress? progress = null, Func<IReadOnlyList<string>, IReadOnlyList<string>>? select = null, CancellationToken cancel = default)
    {
        TorchRuntime.Initialize(_cfg.Threads);
        var device = TorchRuntime.ResolveDevice(_cfg.Device);
        int computed = 0, resumed = 0, skipped = 0, records = 0, constant = 0;
        foreach (var modelEntry in _cfg.Models)
        {
            using var model = ModelEntry.Open(modelEntry, device);
            string layer = model.Layer;
            foreach (var dsEntry in _cfg.Datasets)
            {
                var dataset = DatasetEntry.Open(dsEntry, _cfg.Seed);
                var labels = LabelMapping.Between(dataset, model);
                var ordered = dataset.ItemIds;
                var ids = select?.Invoke(ordered) ?? ordered;
                var qualitative = new HashSet<string>(ordered.Take(_cfg.Qualitative));
                var done = sink.DoneUnits(model.Name, dataset.Name);
                string methodSet = MethodSet;
                string stage = $"{model.Name} × {dataset.Name}";
                progress?.StartStage(stage, ids.Count);
                _log($"stage {stage}: {ids.Count} items, layer {layer}, {_methods.Count} methods, {_metrics.Count} metrics");
                for (int start = 0; start < ids.Count; start += _cfg.BatchSize)
                {
                    cancel.ThrowIfCancellationRequested();
                    var batchIds = ids.Skip(start).Take(_cfg.BatchSize).ToArray();
                    var keys = batchIds.Select(id => new UnitKey(model.Name, dataset.Name, id, methodSet)).ToArray();
                    if (keys.All(k => done.Contains(k.Text)))
                    {
                        resumed += batchIds.Length;
                        progress?.Advance(batchIds.Length);
                        continue;
                    }
                    var items = new List<DatasetItem>();
                    foreach (var id in batchIds)
                    {
                        try { items.Add(dataset.Load(id, model.Preprocessing)); }
                        catch (ItemLoadException e)
                        {
                            skipped++;
                            sink.RecordSkip(model.Name, dataset.Name, id, e.Message);
                            _log($"skipped {dataset.Name}/{id}: {e.Message}");
                        }
                    }
                    var batchRecords = new List<ResultRecord>();
                    foreach (var group in items.GroupBy(i => (i.Geometry.InputHeight, i.Geometry.InputWidth)))
                    {
                        var (recs, constantMaps) = RunBatch(model, layer, dataset, labels, group.ToList(), qualitative, runDir);
                        batchRecords.AddRange(recs);
                        constant += constantMaps;
                    }
                    sink.Commit(batchRecords, keys);
                    records += batchRecords.Count;
                    computed += items.Count;
                    progress?.Advance(batchIds.Length);
                }
                if (labels.UnmappedClasses.Count > 0)
                    _log($"{dataset.Name} → {model.Name}: {labels.UnmappedClasses.Count} dataset classes have no model class and were skipped ({labels.SkippedUnits} units): {string.Join(", ", labels.UnmappedClasses)}");
                progress?.EndStage();
            }
        }
        return new RunStats(computed, resumed, skipped, records, constant);
    }

    private (List<ResultRecord>, int) RunBatch(RunModel model, string layer, IDataset dataset, LabelMapping labels, List<DatasetItem> items, HashSet<string> qualitative, string runDir)
    {
        using var scope = torch.NewDisposeScope();
        var records = new List<ResultRecord>();
        int constantMaps = 0;
        var clf = model.Classifier;
        int h = items[0].Geometry.InputHeight, w = items[0].Geometry.InputWidth;
        var flat = new float[items.Count * 3 * h * w];
        for (int i = 0; i < items.Count; i++) Array.Copy(items[i].Input, 0, flat, (long)i * 3 * h * w, 3 * h * w);
        var x = torch.tensor(flat, new long[] { items.Count, 3, h, w }).to(clf.Device);
        Tensor logits;
        using (torch.no_grad()) logits = clf.Forward(x);
        var top1 = logits.argmax(1).cpu().data<long>().ToArray();

        // Evaluation units (METRICS.md "Which class"): predicted = one per image; ground truth = one per
        // (image, class present), the class mapped into the model's label space.
        var predRows = Enumerable.Range(0, items.Count).ToArray();
        var predUnits = predRows.Select(i => new EvaluationUnit(items[i], top1[i], null, top1[i])).ToArray();
        var gtRows = new List<int>();
        var gtUnits = new List<EvaluationUnit>();
        var logitsCpu = logits.cpu();
        for (int i = 0; i < items.Count; i++)
        {
            foreach (int c in items[i].Labels)
            {
                long? target = labels.Target(c, logitsCpu[i]);
                if (target is null) continue;
                gtRows.Add(i);
                gtUnits.Add(new EvaluationUnit(items[i], target.Value, c, top1[i]));
            }
        }
        bool needPred = _metrics.Any(m => m.Target == TargetSelection.Predicted);
        bool needGt = _metrics.Any(m => m.Target == TargetSelection.GroundTruth) && gtUnits.Count > 0;
        var norm = new Normalization(model.Preprocessing.Mean, model.Preprocessing.Std);

        foreach (var method in _methods)
        {
            string methodOptions = ResultRecord.CanonicalOptions(method.Options);
            // Maps for the predicted targets; ground-truth units whose target equals the prediction reuse them.
            Tensor? predMaps = null;
            if (needPred || needGt)
            {
                var r = method.Explain(Request(clf, layer, x, top1));
                predMaps = r.Maps;
                constantMaps += r.ConstantMaps;
            }
            Tensor? gtMaps = null;
            long[] gtTargets = gtUnits.Select(u => u.ModelTarget).ToArray();
            if (needGt)
            {
                var reuse = gtUnits.Select((u, k) => u.ModelTarget == top1[gtRows[k]]).ToArray();
                var missing = Enumerable.Range(0, gtUnits.Count).Where(k => !reuse[k]).ToArray();
                var rows = new Tensor[gtUnits.Count];
                for (int k = 0; k < gtUnits.Count; k++) if (reuse[k]) rows[k] = predMaps![gtRows[k]];
                if (missing.Length > 0)
                {
                    var idx = torch.tensor(missing.Select(k => (long)gtRows[k]).ToArray(), device: clf.Device);
                    var r = method.Explain(Request(clf, layer, x.index_select(0, idx), missing.Select(k => gtTargets[k]).ToArray()));
                    constantMaps += r.ConstantMaps;
                    for (int j = 0; j < missing.Length; j++) rows[missing[j]] = r.Maps[j];
                }
                gtMaps = torch.stack(rows);
            }

            foreach (var metric in _metrics)
            {
                bool gt = metric.Target == TargetSelection.GroundTruth;
                if (gt && gtMaps is null) continue;
                var units = gt ? (IReadOnlyList<EvaluationUnit>)gtUnits : predUnits;
                var rowIdx = torch.tensor((gt ? gtRows.ToArray() : predRows).Select(r => (long)r).ToArray(), device: clf.Device);
                var batch = new MetricBatch
                {
                    Model = clf,
                    Inputs = x.index_select(0, rowIdx),
                    Maps = gt ? gtMaps! : predMaps!,
                    Units = units,
                    CleanLogits = logits.index_select(0, rowIdx),
                    Normalization = norm,
                    DatasetClassNames = dataset.ClassNames,
                };
                string metricOptions = ResultRecord.CanonicalOptions(metric.Options);
                foreach (var v in metric.Evaluate(batch))
                    records.Add(new ResultRecord(model.Name, dataset.Name, v.ItemId, v.Target, v.DatasetClass, method.Id, methodOptions,
                        metric.Id, metricOptions, v.Value, v.Flagged, v.Curve));
            }

            for (int i = 0; i < items.Count; i++)
                if (qualitative.Contains(items[i].Id) && predMaps is not null)
                    QualitativeMaps.Save(runDir, model.Name, dataset.Name, items[i], method, predMaps[i], x[i], norm);
        }
        return (records, constantMaps);
    }

    private SaliencyRequest Request(IClassifier clf, string layer, Tensor x, long[] targets) => new()
    {
        Model = clf,
        Input = x,
        Targets = targets,
        Layer = layer,
        Seed = _cfg.Seed,
    };
}
