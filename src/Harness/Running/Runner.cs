using GuidedCam.Core;
using GuidedCam.Harness.Config;
using GuidedCam.Harness.Datasets;
using GuidedCam.Harness.Results;
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

/// <summary>
/// Executes a <see cref="RunPlan"/>, one way: stages (model × dataset) → batches of items → units →
/// maps → metric values → sink. Only what the store lacks is computed: an item with every cell marked
/// is not even loaded; a stored map is read, not recomputed. Batches have fixed boundaries in the
/// (sharded) ordered item list and commit atomically, so a killed run resumes at the first unfinished
/// batch and computes exactly what an uninterrupted run would have. One dispose scope per batch keeps
/// memory flat (docs/torchsharp.md).
/// </summary>
public sealed class Runner
{
    private readonly ExperimentConfig _cfg;
    private readonly Action<string> _log;

    public Runner(ExperimentConfig cfg, Action<string>? log = null)
    {
        _cfg = cfg;
        _log = log ?? (_ => { });
    }

    /// <summary>Plans against <paramref name="sink"/> and runs the plan (tests and in-process runs).</summary>
    public RunStats Run(string runDir, IResultSink sink, IRunProgress? progress = null, Shard? shard = null, CancellationToken cancel = default)
    {
        using var plan = RunPlan.Build(_cfg, sink, shard);
        if (sink is MemoryResultSink memory) memory.View = plan.View;
        return Execute(plan, sink, progress, _log, cancel);
    }

    public static RunStats Execute(RunPlan plan, IResultSink sink, IRunProgress? progress, Action<string> log, CancellationToken cancel = default)
    {
        var cfg = plan.Config;
        int computed = 0, resumed = 0, skipped = 0, records = 0, constant = 0, maps = 0;
        long forwarded = 0, backward = 0;
        var forwardTime = TimeSpan.Zero;
        foreach (var stage in plan.Stages)
        {
            // Every pass of the stage (clean logits, captures, the methods' own, the metrics') goes through the counting view,
            // and every gradient-free forward in chunks of one fixed size (FixedBatchClassifier: values independent of batches and shards).
            var passes = new PassCounter();
            var counter = new CountingClassifier(new FixedBatchClassifier(stage.Model.Classifier, cfg.ForwardBatchSize), passes);
            var stageClock = System.Diagnostics.Stopwatch.StartNew();
            var stageCpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            var labels = LabelMapping.Between(stage.Dataset, stage.Model);
            var qualitative = new HashSet<string>(stage.Ordered.Take(cfg.Qualitative), StringComparer.Ordinal);
            var norm = new Normalization(stage.Model.Preprocessing.Mean, stage.Model.Preprocessing.Std);
            progress?.StartStage(stage.Name, stage.Ids.Count);
            log($"stage {stage.Name}: {stage.Ids.Count} items, layer {stage.Layer}, {plan.Methods.Count} methods, {plan.Metrics.Count} metrics; " +
                $"model {stage.ModelId.Key[..12]}, dataset {stage.DatasetId.Key[..12]}");
            var mapSource = new MapSource(sink, stage.ModelId.Key, stage.DatasetId.Key, stage.State, cfg.Seed);
            for (int start = 0; start < stage.Ids.Count; start += cfg.BatchSize)
            {
                cancel.ThrowIfCancellationRequested();
                var batchIds = stage.Ids.Skip(start).Take(cfg.BatchSize).ToArray();
                var needs = batchIds.Select(id => ItemNeeds.Of(id, stage.State, plan.MethodKeys, plan.MetricKeys,
                    qualitative.Contains(id) ? m => !sink.HasQualitative(stage.Model.Name, stage.Dataset.Name, id, plan.Methods[m].Id, ResultRecord.CanonicalOptions(plan.Methods[m].Options)) : null))
                    .Where(n => n.Any).ToList();
                if (needs.Count == 0)
                {
                    resumed += batchIds.Length;
                    progress?.Advance(batchIds.Length);
                    continue;
                }
                var commit = new BatchCommit { ModelKey = stage.ModelId.Key, DatasetKey = stage.DatasetId.Key };
                var output = new QualitativeOutput(sink, stage.Model.Name, stage.Dataset.Name, norm);
                var items = new List<DatasetItem>();
                foreach (var need in needs)
                {
                    try { items.Add(stage.Dataset.Load(need.ItemId, stage.Model.Preprocessing)); }
                    catch (ItemLoadException e)
                    {
                        skipped++;
                        commit.Skips.Add((need.ItemId, e.Message));
                        log($"skipped {stage.Dataset.Name}/{need.ItemId}: {e.Message}");
                    }
                }
                var needOf = needs.ToDictionary(n => n.ItemId, StringComparer.Ordinal);
                using (var scope = torch.NewDisposeScope())
                {
                    foreach (var group in items.GroupBy(i => (i.Geometry.InputHeight, i.Geometry.InputWidth)))
                        RunGroup(plan, stage, counter, labels, mapSource, group.ToList(), needOf, norm, commit, output);
                    sink.Commit(commit);
                    stage.State.Add(commit);
                    output.Flush();
                }
                records += commit.Cells.Count;
                computed += items.Count;
                resumed += batchIds.Length - needs.Count;
                progress?.Advance(batchIds.Length);
            }
            if (labels.UnmappedClasses.Count > 0)
                log($"{stage.Dataset.Name} → {stage.Model.Name}: {labels.UnmappedClasses.Count} dataset classes have no model class and were skipped ({labels.SkippedUnits} units): {string.Join(", ", labels.UnmappedClasses)}");
            constant += mapSource.ConstantMaps;
            maps += mapSource.MapsComputed;
            forwarded += passes.ForwardImages;
            backward += passes.BackwardImages;
            forwardTime += passes.ForwardTime;
            log($"passes {stage.Name}: {passes.Describe(stageClock.Elapsed, System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - stageCpu)}");
            progress?.EndStage();
        }
        return new RunStats(computed, resumed, skipped, records, constant)
        {
            MapsComputed = maps, ImagesForwarded = forwarded, ImagesBackward = backward, ForwardTime = forwardTime,
        };
    }

    /// <summary>One group of same-size items: units, then per method its maps, metric cells and qualitative maps.</summary>
    private static void RunGroup(RunPlan plan, PlannedStage stage, IClassifier model, LabelMapping labels, MapSource mapSource,
        List<DatasetItem> items, IReadOnlyDictionary<string, ItemNeeds> needOf, Normalization norm, BatchCommit commit, QualitativeOutput output)
    {
        int h = items[0].Geometry.InputHeight, w = items[0].Geometry.InputWidth;
        var flat = new float[items.Count * 3 * h * w];
        for (int i = 0; i < items.Count; i++) Array.Copy(items[i].Input, 0, flat, (long)i * 3 * h * w, 3 * h * w);
        var x = torch.tensor(flat, new long[] { items.Count, 3, h, w }, device: model.Device);

        var units = EvaluationUnits.Build(items, x, stage.State, model, labels);
        commit.Units.AddRange(units.Fresh);
        var evaluation = new MetricEvaluation(model, x, units, norm, stage.Dataset.ClassNames) { Seed = plan.Config.Seed };
        var needs = items.Select(i => needOf[i.Id]).ToArray();

        var wanted = new List<(int Row, long Target)>[plan.Methods.Count];
        for (int m = 0; m < plan.Methods.Count; m++)
        {
            wanted[m] = new List<(int Row, long Target)>();
            for (int row = 0; row < items.Count; row++)
                foreach (long t in needs[row].MapTargets(m, units.Units[row], plan.Metrics))
                    wanted[m].Add((row, t));
        }
        // Every method's missing maps at once, so the methods share one capture per target vector (MapSource.GetAll).
        var allMaps = mapSource.GetAll(plan.Methods, plan.MethodKeys, stage.Layer, model, x, units, wanted, commit);

        for (int m = 0; m < plan.Methods.Count; m++)
        {
            var method = plan.Methods[m];
            string methodKey = plan.MethodKeys[m];
            if (wanted[m].Count == 0) continue;
            var maps = allMaps[m];

            string methodOptions = ResultRecord.CanonicalOptions(method.Options);
            for (int k = 0; k < plan.Metrics.Count; k++)
            {
                var rows = Enumerable.Range(0, items.Count).Where(r => needs[r].Pairs.Contains((m, k))).ToArray();
                if (rows.Length == 0) continue;
                var metric = plan.Metrics[k];
                string metricOptions = ResultRecord.CanonicalOptions(metric.Options);
                foreach (var v in evaluation.Evaluate(metric, rows, methodKey, maps,
                    (other, inputs, targets, seed) => GuidedCam.Methods.MethodGroup.ExplainEach([method], new GuidedCam.Methods.SaliencyRequest { Model = other, Input = inputs, Targets = targets, Layer = stage.Layer, Seed = seed }).Results[0].Maps))
                    commit.Cells.Add(new JournalCell(stage.ModelId.Key, stage.DatasetId.Key, v.ItemId, v.Target, v.DatasetClass, method.Id, methodOptions, methodKey,
                        metric.Id, metricOptions, v.Value, v.Flagged, v.Curve));
                foreach (int r in rows)
                    commit.Marks.Add(new EvaluationMark(stage.ModelId.Key, stage.DatasetId.Key, items[r].Id, methodKey, plan.MetricKeys[k]));
            }
            for (int row = 0; row < items.Count; row++)
                if (needs[row].QualitativeMethods.Contains(m))
                    output.Add(items[row], method, maps[(row, units.Top1[row])], x[row]);
        }
    }
}
