using GuidedCam.Core;
using GuidedCam.Core.Ranking;
using GuidedCam.Methods;
using GuidedCam.Metrics;

namespace GuidedCam.Harness.Results;

/// <summary>
/// The result model of one run (BenchmarkDotNet's "Summary"): everything the exporters need, built
/// from the run folder's journal alone. Exporters read it and never touch the journal or the models.
/// </summary>
public sealed class RunResults
{
    private readonly Dictionary<(string, string), MetricInfo> _metrics;
    private readonly MetricCatalog _catalog;

    public string RunDir { get; }
    public ResultSetInfo ResultSet { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }
    public IReadOnlyList<ResultRecord> Records { get; }
    public IReadOnlyList<SkippedItem> Skipped { get; }
    public IReadOnlyList<SummaryRow> Summary { get; }
    public string ReferenceMethod { get; }
    /// <summary>Ranks, pairs, agreement and sanity of the cells (<see cref="RankAnalysis"/>).</summary>
    public RankAnalysis Rankings { get; }
    /// <summary>MetaQuantus' noise resilience and adversarial reactivity of each metric, from the perturbed models' cells.</summary>
    public IReadOnlyList<MetricReliability> Reliability { get; }

    public RunResults(string runDir, ResultSetInfo resultSet, IReadOnlyDictionary<string, string> metadata,
        IReadOnlyList<ResultRecord> records, IReadOnlyList<SkippedItem> skipped, IIntervalEstimator intervals, string referenceMethod = SummaryTable.DefaultReference,
        MetricCatalog? metrics = null, MethodCatalog? methods = null, RankingOptions? ranking = null,
        IReadOnlyDictionary<(string Model, string Dataset), IReadOnlyDictionary<string, long>>? predictions = null)
    {
        _catalog = metrics ?? MetricRegistry.BuiltIn;
        RunDir = runDir;
        ResultSet = resultSet;
        Metadata = metadata;
        Records = records;
        Skipped = skipped;
        ReferenceMethod = referenceMethod;
        _metrics = new Dictionary<(string, string), MetricInfo>();
        Summary = SummaryTable.Compute(records, Metric, intervals, referenceMethod);
        var methodCatalog = methods ?? MethodRegistry.BuiltIn;
        var baseline = new Dictionary<MethodVariant, bool>();
        bool IsBaseline(MethodVariant m)
        {
            lock (baseline)
            {
                if (!baseline.TryGetValue(m, out bool b))
                    baseline[m] = b = methodCatalog.Exists(m.Method) && methodCatalog.Create(m.Method, MetricInfo.ParseOptions(m.Options)).Family == MethodFamily.Baseline;
                return b;
            }
        }
        Rankings = RankAnalysis.Compute(records, Summary, Metric, IsBaseline, intervals, ranking ?? new RankingOptions());
        Reliability = MetricReliability.Compute(records, resultSet.View, predictions ?? new Dictionary<(string, string), IReadOnlyDictionary<string, long>>(), Metric);
    }

    /// <summary>
    /// Loads the cells of a view of a run folder: by default the view of its latest run (the config in its
    /// config.yaml); <paramref name="view"/> selects another set of cells from the same journal. Metric ids are
    /// looked up in <paramref name="metrics"/> (the built-in metrics when null).
    /// </summary>
    public static RunResults Load(string runDir, IIntervalEstimator? intervals = null, string? referenceMethod = null, RunView? view = null,
        MetricCatalog? metrics = null, MethodCatalog? methods = null)
    {
        using var journal = ResultJournal.Open(ResultJournal.PathIn(runDir), create: false);
        var run = journal.LatestRun ?? throw new InvalidDataException($"{journal.Path}: the journal holds no run yet");
        if (view is not null) run = run with { Shard = null, View = view };
        var ranking = new RankingOptions(run.View.PostHoc ?? RankingOptions.WilcoxonHolm);
        return new RunResults(Path.GetFullPath(runDir), run, journal.Metadata(), journal.ReadView(run.View, run.Shard), journal.ReadSkippedItems(run.View, run.Shard),
            intervals ?? new Bootstrap(), referenceMethod ?? run.View.Reference ?? SummaryTable.DefaultReference, metrics, methods, ranking, Predictions(journal, run.View));
    }

    /// <summary>Each item's top-1 class under the perturbed models of the view and the models they copy (what MetaQuantus splits items by).</summary>
    private static Dictionary<(string, string), IReadOnlyDictionary<string, long>> Predictions(ResultJournal journal, RunView view)
    {
        var result = new Dictionary<(string, string), IReadOnlyDictionary<string, long>>();
        var keys = view.Models.Where(m => m.Perturbation is not null).SelectMany(m => new[] { m.Key, m.Perturbation!.BaseKey }).ToHashSet(StringComparer.Ordinal);
        foreach (var model in view.Models.Where(m => keys.Contains(m.Key)))
            foreach (var dataset in view.Datasets)
                result[(model.Name, dataset.Name)] = journal.ReadUnits(model.Key, dataset.Key).ToDictionary(u => u.Key, u => u.Value.Top1, StringComparer.Ordinal);
        return result;
    }

    /// <summary>Name, unit, direction and accumulator of a metric as recorded (cached per id + options).</summary>
    public MetricInfo Metric(string id, string options)
    {
        if (!_metrics.TryGetValue((id, options), out var info))
            _metrics[(id, options)] = info = MetricInfo.Resolve(id, options, _catalog);
        return info;
    }

    /// <summary>(model, dataset) pairs in ordinal order: each gets its own table and figures.</summary>
    public IReadOnlyList<(string Model, string Dataset)> Experiments =>
        Summary.Select(r => (r.Model, r.Dataset)).Distinct()
            .OrderBy(e => e.Model, StringComparer.Ordinal).ThenBy(e => e.Dataset, StringComparer.Ordinal).ToList();

    /// <summary>
    /// Display label of a method in one experiment: its id, with its options only when the same id ran
    /// with several option sets (so a method that ran once is labelled by its id alone).
    /// </summary>
    public string MethodLabel(string model, string dataset, string method, string options)
    {
        bool several = Summary.Where(r => r.Model == model && r.Dataset == dataset && r.Method == method)
            .Select(r => r.MethodOptions).Distinct().Skip(1).Any();
        return several && options.Length > 0 ? $"{method} [{options}]" : method;
    }

    /// <summary>Display label of a ranked method across the whole view: its id, with options only when the id ran with several option sets.</summary>
    public string MethodLabel(MethodVariant m)
    {
        bool several = Summary.Where(r => r.Method == m.Method).Select(r => r.MethodOptions).Distinct().Skip(1).Any();
        return several && m.Options.Length > 0 ? m.ToString() : m.Method;
    }

    /// <summary>
    /// A metric's part of figure file names: its id, plus a hash of its options only when the same id
    /// ran with several option sets (file names stay short and stable: "bars_resnet18_voc_deletion.png").
    /// </summary>
    public string MetricFileTag(string model, string dataset, string metric, string options)
    {
        bool several = Summary.Where(r => r.Model == model && r.Dataset == dataset && r.Metric == metric)
            .Select(r => r.MetricOptions).Distinct().Skip(1).Any();
        return several ? $"{metric}-{Fnv1a.Hash(options) & 0xFFFFFFFF:x8}" : metric;
    }

    /// <summary>Display label of a metric: display name, options when it ran with several, unit and direction arrow.</summary>
    public string MetricLabel(string model, string dataset, string metric, string options, bool withArrow = true)
    {
        var info = Metric(metric, options);
        bool several = Summary.Where(r => r.Model == model && r.Dataset == dataset && r.Metric == metric)
            .Select(r => r.MetricOptions).Distinct().Skip(1).Any();
        string label = info.DisplayName + (several && options.Length > 0 ? $" [{options}]" : "");
        // "Deletion AUC" already says its unit; "Average Drop" gets "(%)".
        if (info.Unit.Length > 0 && !info.DisplayName.Contains(info.Unit, StringComparison.Ordinal)) label += $" ({info.Unit})";
        return withArrow ? $"{label} {info.Arrow}" : label;
    }
}
