using GuidedCam.Core;
using GuidedCam.Harness.Config;
using GuidedCam.Harness.Results;
using GuidedCam.Methods;
using GuidedCam.Metrics;
using GuidedCam.Harness.Datasets;

namespace GuidedCam.Harness.Running;

/// <summary>
/// A checked config turned into work against a store: every model loaded once, every dataset opened
/// once, identities computed, and per model × dataset the cells wanted and present, the maps to compute
/// and the forwards and backwards to spend. `validate` prints it; `run` prints it and executes this
/// very object (<see cref="Runner.Execute"/>), so nothing is loaded or scanned twice.
/// </summary>
public sealed class RunPlan : IDisposable
{
    private readonly Plan _checked;

    private RunPlan(ExperimentConfig cfg, Plan checkedPlan, Shard shard, IReadOnlyList<PlannedStage> stages, RunView view)
    {
        Config = cfg;
        _checked = checkedPlan;
        Shard = shard;
        Stages = stages;
        View = view;
        MethodKeys = Methods.Select(m => Identities.MethodKey(m, cfg.Seed)).ToArray();
        MetricKeys = Metrics.Select(Identities.MetricKey).ToArray();
    }

    public ExperimentConfig Config { get; }
    public Shard Shard { get; }
    public IReadOnlyList<ISaliencyMethod> Methods => _checked.Methods;
    public IReadOnlyList<IMetric> Metrics => _checked.Metrics;
    public IReadOnlyList<string> MethodKeys { get; }
    public IReadOnlyList<string> MetricKeys { get; }
    public IReadOnlyList<PlannedStage> Stages { get; }
    /// <summary>The cells this config asks for, as stored with the run.</summary>
    public RunView View { get; }

    public long CellsToCompute => Stages.Sum(s => s.Counts.CellsToCompute);
    public long MapsToCompute => Stages.Sum(s => s.Counts.MapsToCompute);

    /// <summary>
    /// Validates <paramref name="cfg"/> (every error with its line), loads its models and opens its datasets
    /// once, and counts the work against <paramref name="store"/> (null: an empty store). Method and metric
    /// ids are looked up in <paramref name="methods"/> and <paramref name="metrics"/> (the built-in ones when null).
    /// </summary>
    public static RunPlan Build(ExperimentConfig cfg, IResultSink? store, Shard? shard = null, MethodCatalog? methods = null, MetricCatalog? metrics = null)
    {
        TorchRuntime.Initialize(cfg.Threads);
        shard ??= Shard.All;
        var checkedPlan = ConfigValidator.Validate(cfg, methods: methods, metrics: metrics);
        try
        {
            var methodKeys = checkedPlan.Methods.Select(m => Identities.MethodKey(m, cfg.Seed)).ToArray();
            var metricKeys = checkedPlan.Metrics.Select(Identities.MetricKey).ToArray();
            var stages = new List<PlannedStage>();
            var viewModels = new List<ViewEntry>();
            var viewDatasets = new Dictionary<string, ViewDataset>();
            foreach (var model in checkedPlan.Models)
            {
                string layer = model.Layer;
                var modelId = Identities.Model(model, layer, cfg.ForwardBatchSize);
                viewModels.Add(new ViewEntry(model.Name, modelId.Key) { Perturbation = Identities.Perturbation(model, layer, cfg.ForwardBatchSize) });
                foreach (var (entry, dataset) in checkedPlan.Datasets)
                {
                    var datasetId = Identities.Dataset(entry, dataset, cfg.Seed);
                    var ordered = dataset.ItemIds;
                    viewDatasets.TryAdd(dataset.Name, new ViewDataset(dataset.Name, datasetId.Key, ordered.ToArray()));
                    var ids = shard.Count == 1 ? ordered : shard.Select(ordered);
                    var state = store?.ReadStage(modelId.Key, datasetId.Key) ?? new StageState();
                    var probe = checkedPlan.Cells.First(c => c.Model == model.Name && c.Dataset == dataset.Name);
                    var qualitative = new HashSet<string>(ordered.Take(cfg.Qualitative), StringComparer.Ordinal);
                    var counts = Count(ids, state, checkedPlan.Methods, checkedPlan.Metrics, methodKeys, metricKeys, probe,
                        item => qualitative.Contains(item) && store is not null
                            ? m => !store.HasQualitative(model.Name, dataset.Name, item, checkedPlan.Methods[m].Id, ResultRecord.CanonicalOptions(checkedPlan.Methods[m].Options))
                            : null);
                    stages.Add(new PlannedStage
                    {
                        Model = model, Layer = layer, ModelId = modelId, DatasetEntry = entry, Dataset = dataset, DatasetId = datasetId,
                        Ordered = ordered, Ids = ids, Probe = probe, State = state, Counts = counts,
                    });
                }
            }
            var view = new RunView(viewModels, viewDatasets.Values.ToArray(),
                checkedPlan.Methods.Select((m, i) => new ViewComponent(m.Id, ResultRecord.CanonicalOptions(m.Options), methodKeys[i])).ToArray(),
                checkedPlan.Metrics.Select((m, i) => new ViewComponent(m.Id, ResultRecord.CanonicalOptions(m.Options), metricKeys[i])).ToArray(),
                cfg.Qualitative) { Reference = cfg.Reference, PostHoc = cfg.PostHoc };
            return new RunPlan(cfg, checkedPlan, shard, stages, view);
        }
        catch
        {
            checkedPlan.Dispose();
            throw;
        }
    }

    private static StageCounts Count(IReadOnlyList<string> ids, StageState state, IReadOnlyList<ISaliencyMethod> methods, IReadOnlyList<IMetric> metrics,
        IReadOnlyList<string> methodKeys, IReadOnlyList<string> metricKeys, PlanCell probe, Func<string, Func<int, bool>?> qualitativeMissing)
    {
        int toLoad = 0, skipped = 0;
        long wanted = 0, present = 0, mapsWanted = 0, mapsToCompute = 0, forwards = 0, backwards = 0;
        bool atLeast = false;
        var mapCost = methods.Select(m => CostEstimate.MapCost(m, probe.Channels)).ToArray();
        var fullCost = methods.Select(m => m.Cost(probe.Channels)).ToArray();
        var cellCost = metrics.Select(m => CostEstimate.CellForwards(m, probe.InputHeight, probe.InputWidth)).ToArray();
        foreach (string id in ids)
        {
            if (state.Skipped.ContainsKey(id)) { skipped++; continue; }
            var needs = ItemNeeds.Of(id, state, methodKeys, metricKeys, qualitativeMissing(id));
            state.Units.TryGetValue(id, out var units);
            int gtCount = units?.GroundTruth.Count ?? 1;
            if (units is null) atLeast = true;
            for (int m = 0; m < methods.Count; m++)
                for (int x = 0; x < metrics.Count; x++)
                    wanted += metrics[x].Target == TargetSelection.Predicted ? 1 : gtCount;
            var needed = needs.Pairs.ToHashSet();
            for (int m = 0; m < methods.Count; m++)
            {
                var shared = new HashSet<string>();
                for (int x = 0; x < metrics.Count; x++)
                {
                    long cells = metrics[x].Target == TargetSelection.Predicted ? 1 : gtCount;
                    if (!needed.Contains((m, x))) { present += cells; continue; }
                    // Metrics that run the method again (model randomisation: once per randomised depth). A
                    // re-run is the method's own Explain on another model, outside the shared capture, so it
                    // costs the method's full passes.
                    long again = probe.Reexplanations is { } r && x < r.Count ? r[x] : 0;
                    forwards += cells * again * fullCost[m].Forwards;
                    backwards += cells * again * fullCost[m].Backwards;
                    if (CostEstimate.SharedForwards(metrics[x]) is { } group && !shared.Add(group + metrics[x].Target)) continue;
                    forwards += cells * cellCost[x];
                }
            }
            if (!needs.Any) continue;
            toLoad++;
            if (needs.NeedsUnits) forwards += 1;
            // Without stored units the ground-truth targets are unknown: one map per method (the top-1) is the lower bound.
            var known = units ?? new ItemUnits(id, -1, Array.Empty<float>(), Array.Empty<GroundTruthUnit>());
            var captures = new Dictionary<long, bool>();   // target → needs the capture's backward
            for (int m = 0; m < methods.Count; m++)
            {
                var targets = needs.MapTargets(m, known, metrics).ToList();
                foreach (long t in targets)
                {
                    mapsWanted++;
                    if (units is not null && state.Maps.Contains((id, t, methodKeys[m]))) continue;
                    mapsToCompute++;
                    forwards += mapCost[m].Forwards;
                    backwards += mapCost[m].Backwards;
                    var (uses, backward) = CostEstimate.CaptureOf(methods[m]);
                    if (uses) captures[t] = captures.GetValueOrDefault(t) || backward;
                }
            }
            forwards += captures.Count;
            backwards += captures.Values.Count(b => b);
        }
        return new StageCounts(ids.Count, toLoad, skipped, wanted, present, atLeast, mapsWanted, mapsToCompute, forwards, backwards);
    }

    public void Dispose() => _checked.Dispose();
}
