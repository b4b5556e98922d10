using GuidedCam.Core.Ranking;
using GuidedCam.Metrics;

namespace GuidedCam.Harness.Results;

/// <summary>
/// MetaQuantus' meta-evaluation of one metric on one model and dataset (Hedström et al., "The Meta-Evaluation
/// Problem in Explainable AI", TMLR 2023; github.com/annahedstroem/MetaQuantus, meta_evaluation.py), from the
/// cells of the model and of its perturbed copies (`perturb:` in a model entry). For each copy the items are
/// split as MetaQuantus does: a resilience copy uses the items whose top-1 class it did not change, an
/// adversary copy those whose top-1 it changed.
/// <list type="bullet">
/// <item>IAC (intra-consistency), per method: the two-sided Wilcoxon signed-rank p-value between the method's
/// unperturbed and perturbed values on those items, zero_method 'zsplit' (MetaQuantus' call); IAC_NR = p
/// (high: the scores did not move), IAC_AR = 1 − p (high: they moved). Mean over methods and copies.</item>
/// <item>IEC (inter-consistency), per copy: IEC_NR = the share of (item, position) where the methods sorted by value
/// are in the same order before and after; IEC_AR = the share of (method, item) whose perturbed value is worse
/// than its unperturbed one (by the metric's direction). Mean over copies.</item>
/// <item>MC = the mean of IAC_NR, IAC_AR, IEC_NR and IEC_AR (1 is best; NaN unless both tests ran).</item>
/// </list>
/// Units are paired by item and dataset class (predicted-class units have none): the perturbed copy's cells
/// explain its own top-1 class, which differs from the original's exactly on the adversary items; MetaQuantus
/// explains the original's class there (docs/rankings.md says why this is kept).
/// </summary>
public sealed record MetricReliability(string Model, string Dataset, string Metric, string MetricOptions, int Methods,
    int ResilienceCopies, int ResilienceItems, int AdversaryCopies, int AdversaryItems, double IacNr, double IacAr, double IecNr, double IecAr)
{
    public const string Resilience = "resilience";
    public const string Adversary = "adversary";

    /// <summary>Meta-consistency: the mean of the four scores.</summary>
    public double MC => (IacNr + IacAr + IecNr + IecAr) / 4;

    public static IReadOnlyList<MetricReliability> Compute(IReadOnlyList<ResultRecord> records, RunView view,
        IReadOnlyDictionary<(string Model, string Dataset), IReadOnlyDictionary<string, long>> predictions, Func<string, string, MetricInfo> metricInfo)
    {
        var result = new List<MetricReliability>();
        var copies = view.Models.Where(m => m.Perturbation is not null).ToList();
        if (copies.Count == 0) return result;
        var cells = records.ToLookup(r => (r.Model, r.Dataset, r.Metric, r.MetricOptions));
        foreach (var baseModel in view.Models.Where(m => copies.Any(c => c.Perturbation!.BaseKey == m.Key)))
        {
            var tests = TestsOf(copies.Where(c => c.Perturbation!.BaseKey == baseModel.Key).ToList());
            foreach (var dataset in view.Datasets)
                foreach (var metric in records.Where(r => r.Model == baseModel.Name && r.Dataset == dataset.Name).Select(r => (r.Metric, r.MetricOptions)).Distinct()
                    .OrderBy(m => m.Metric, StringComparer.Ordinal).ThenBy(m => m.MetricOptions, StringComparer.Ordinal))
                {
                    var info = metricInfo(metric.Metric, metric.MetricOptions);
                    var original = Table(cells[(baseModel.Name, dataset.Name, metric.Metric, metric.MetricOptions)]);
                    if (!predictions.TryGetValue((baseModel.Name, dataset.Name), out var top1)) continue;
                    var nr = new Scores();
                    var ar = new Scores();
                    foreach (var (copy, test) in tests)
                    {
                        if (!predictions.TryGetValue((copy.Name, dataset.Name), out var copyTop1)) continue;
                        var perturbed = Table(cells[(copy.Name, dataset.Name, metric.Metric, metric.MetricOptions)]);
                        var methods = original.Keys.Where(perturbed.ContainsKey).OrderBy(m => m.Method, StringComparer.Ordinal).ThenBy(m => m.Options, StringComparer.Ordinal).ToList();
                        if (methods.Count == 0) continue;
                        var units = original[methods[0]].Keys.Where(u => methods.All(m => original[m].ContainsKey(u) && perturbed[m].ContainsKey(u))
                                && top1.ContainsKey(u.ItemId) && copyTop1.ContainsKey(u.ItemId)
                                && (top1[u.ItemId] == copyTop1[u.ItemId]) == (test == Resilience))
                            .OrderBy(u => u.ItemId, StringComparer.Ordinal).ThenBy(u => u.DatasetClass).ToList();
                        (test == Resilience ? nr : ar).Add(methods, units, original, perturbed, test == Resilience, info.Direction);
                    }
                    if (nr.Copies + ar.Copies == 0) continue;
                    result.Add(new MetricReliability(baseModel.Name, dataset.Name, metric.Metric, metric.MetricOptions, original.Count,
                        nr.Copies, nr.Items, ar.Copies, ar.Items, nr.Iac, ar.Iac, nr.Iec, ar.Iec));
                }
        }
        return result;
    }

    /// <summary>
    /// The test of each copy: the one its `perturb.test` names; without it, among one model's copies sorted by
    /// (weights σ, input σ) the smallest is the resilience level and, when there are two or more, the largest
    /// the adversary level (copies in between serve neither).
    /// </summary>
    private static List<(ViewEntry Copy, string Test)> TestsOf(List<ViewEntry> copies)
    {
        var result = copies.Where(c => c.Perturbation!.Test.Length > 0).Select(c => (c, c.Perturbation!.Test)).ToList();
        var unnamed = copies.Where(c => c.Perturbation!.Test.Length == 0).OrderBy(c => c.Perturbation!.Weights).ThenBy(c => c.Perturbation!.Input).ToList();
        if (unnamed.Count > 0) result.Add((unnamed[0], Resilience));
        if (unnamed.Count > 1) result.Add((unnamed[^1], Adversary));
        return result;
    }

    private static Dictionary<MethodVariant, Dictionary<(string ItemId, int? DatasetClass), double>> Table(IEnumerable<ResultRecord> records) =>
        records.Where(r => !double.IsNaN(r.Value)).GroupBy(r => new MethodVariant(r.Method, r.MethodOptions))
            .ToDictionary(g => g.Key, g => g.GroupBy(r => (r.ItemId, r.DatasetClass)).ToDictionary(u => u.Key, u => u.First().Value));

    /// <summary>The IAC and IEC values of one test, collected over its copies and averaged ignoring NaN (MetaQuantus' nanmean).</summary>
    private sealed class Scores
    {
        private readonly List<double> _iac = new();
        private readonly List<double> _iec = new();
        public int Copies { get; private set; }
        public int Items { get; private set; }
        public double Iac => NanMean(_iac);
        public double Iec => NanMean(_iec);

        public void Add(List<MethodVariant> methods, List<(string ItemId, int? DatasetClass)> units,
            Dictionary<MethodVariant, Dictionary<(string, int?), double>> original, Dictionary<MethodVariant, Dictionary<(string, int?), double>> perturbed,
            bool resilience, ScoreDirection direction)
        {
            Copies++;
            Items += units.Count;
            foreach (var m in methods)
            {
                var q = units.Select(u => original[m][u]).ToArray();
                var qHat = units.Select(u => perturbed[m][u]).ToArray();
                double p = WilcoxonSignedRankTest.Compute(q, qHat, WilcoxonZeros.Split).PValue;
                _iac.Add(resilience ? p : 1 - p);
            }
            if (units.Count == 0) { _iec.Add(double.NaN); return; }
            double agree = 0, total = 0;
            if (resilience)
            {
                foreach (var u in units)
                {
                    var before = SortedOrder(methods.Select(m => original[m][u]).ToArray());
                    var after = SortedOrder(methods.Select(m => perturbed[m][u]).ToArray());
                    for (int i = 0; i < before.Length; i++, total++) if (before[i] == after[i]) agree++;
                }
            }
            else
            {
                foreach (var m in methods)
                    foreach (var u in units)
                    {
                        double before = original[m][u], after = perturbed[m][u];
                        if (direction == ScoreDirection.HigherIsBetter ? after < before : after > before) agree++;
                        total++;
                    }
            }
            _iec.Add(agree / total);
        }

        /// <summary>Method indices sorted by value ascending, ties in method order (numpy's argsort on these few values).</summary>
        private static int[] SortedOrder(double[] values) =>
            Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ThenBy(i => i).ToArray();

        private static double NanMean(List<double> values) =>
            values.Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Average();
    }
}
