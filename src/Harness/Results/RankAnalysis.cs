using GuidedCam.Core.Ranking;
using GuidedCam.Metrics;

namespace GuidedCam.Harness.Results;

/// <summary>
/// Which method wins, how sure, and which metrics agree — computed from the cells alone (the records and
/// their summary), so adding it to a finished run needs no map and no forward.
/// <list type="bullet">
/// <item>Blocks (model, dataset, metric): per unit (item, target) every method is ranked (1 = best by the metric's
/// direction, ties averaged) on the units all methods evaluated; mean rank with a bootstrap interval, Friedman
/// over the units, and every pair: paired bootstrap difference, Wilcoxon signed-rank on the unit values, Holm
/// over the block's pairs.</item>
/// <item>Across blocks (Demšar 2006; blocks are his data sets): each block ranks the methods by their headline value;
/// mean ranks, Friedman over blocks, Wilcoxon signed-rank on the block ranks with Holm (or Nemenyi), per
/// (model, dataset) and for the whole report. Block ranks are used rather than the values because blocks mix
/// metrics with different units.</item>
/// <item>Agreement: Kendall τ-b between the mean-rank vectors of every pair of metrics of a (model, dataset), and each
/// metric's mean τ-b between its blocks (consistency across models and datasets).</item>
/// <item>Sanity: how often each metric ranks the Baseline-family methods below the real methods.</item>
/// </list>
/// </summary>
public sealed class RankAnalysis
{
    public required RankingOptions Options { get; init; }
    public required IReadOnlyList<RankBlock> Blocks { get; init; }
    public required IReadOnlyList<AcrossBlocks> Across { get; init; }
    public required IReadOnlyList<MetricAgreement> Agreement { get; init; }
    public required IReadOnlyList<MetricConsistency> Consistency { get; init; }
    public required IReadOnlyList<BaselineSanity> Sanity { get; init; }

    public static RankAnalysis Compute(IReadOnlyList<ResultRecord> records, IReadOnlyList<SummaryRow> summary, Func<string, string, MetricInfo> metricInfo,
        Func<MethodVariant, bool> isBaseline, IIntervalEstimator intervals, RankingOptions options)
    {
        var means = summary.ToDictionary(r => (new RankBlockKey(r.Model, r.Dataset, r.Metric, r.MetricOptions), new MethodVariant(r.Method, r.MethodOptions)), r => r.Mean);
        var groups = records.GroupBy(r => new RankBlockKey(r.Model, r.Dataset, r.Metric, r.MetricOptions))
            .OrderBy(g => g.Key.Model, StringComparer.Ordinal).ThenBy(g => g.Key.Dataset, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Metric, StringComparer.Ordinal).ThenBy(g => g.Key.MetricOptions, StringComparer.Ordinal).ToList();
        var blocks = new RankBlock?[groups.Count];
        var sanity = new List<BaselineSanity>[groups.Count];
        // Blocks are independent (each bootstrap has its own named stream): computed in parallel, kept in order.
        Parallel.For(0, groups.Count, i =>
        {
            var info = metricInfo(groups[i].Key.Metric, groups[i].Key.MetricOptions);
            (blocks[i], sanity[i]) = Block(groups[i].Key, groups[i].ToList(), info, means, isBaseline, intervals, options);
        });
        var ranked = blocks.OfType<RankBlock>().ToList();
        var across = new List<AcrossBlocks>();
        foreach (var experiment in ranked.GroupBy(b => (b.Key.Model, b.Key.Dataset)))
            if (AcrossOf(AcrossBlocks.ExperimentScope, experiment.Key.Model, experiment.Key.Dataset, experiment.ToList(), options) is { } a) across.Add(a);
        if (ranked.Count > 0 && AcrossOf(AcrossBlocks.ConfigScope, "", "", ranked, options) is { } all) across.Add(all);
        return new RankAnalysis
        {
            Options = options,
            Blocks = ranked,
            Across = across,
            Agreement = AgreementOf(ranked),
            Consistency = ConsistencyOf(ranked),
            Sanity = sanity.Where(s => s is not null).SelectMany(s => s).ToList(),
        };
    }

    private static bool Better(double a, double b, ScoreDirection d) => d == ScoreDirection.HigherIsBetter ? a > b : a < b;

    private static (RankBlock?, List<BaselineSanity>) Block(RankBlockKey key, List<ResultRecord> records, MetricInfo info,
        Dictionary<(RankBlockKey, MethodVariant), double> means, Func<MethodVariant, bool> isBaseline, IIntervalEstimator intervals, RankingOptions options)
    {
        bool higher = info.Direction == ScoreDirection.HigherIsBetter;
        var byMethod = records.GroupBy(r => new MethodVariant(r.Method, r.MethodOptions))
            .OrderBy(g => g.Key.Method, StringComparer.Ordinal).ThenBy(g => g.Key.Options, StringComparer.Ordinal)
            .Select(g => (Method: g.Key, Units: g.Where(r => !double.IsNaN(r.Value)).ToDictionary(r => (r.ItemId, r.Target), SummaryTable.ToValue)))
            .ToList();
        var sanity = new List<BaselineSanity>();
        if (byMethod.Count < 2) return (null, sanity);
        var common = byMethod[0].Units.Keys.Where(u => byMethod.All(m => m.Units.ContainsKey(u)))
            .OrderBy(u => u.ItemId, StringComparer.Ordinal).ThenBy(u => u.Target).ToList();
        if (common.Count == 0) return (null, sanity);
        int k = byMethod.Count;
        var unitRanks = common.Select(u => AverageRanks.Best(byMethod.Select(m => m.Units[u].Value).ToArray(), higher)).ToArray();
        string cell = $"{key.Model}|{key.Dataset}|{key.Metric}|{key.MetricOptions}";
        var blockMeans = byMethod.Select(m => means.TryGetValue((key, m.Method), out double v) ? v : double.NaN).ToArray();
        var blockRanks = RanksOfPresent(blockMeans, higher);
        var methods = new List<BlockMethodRank>();
        for (int j = 0; j < k; j++)
        {
            var rankValues = common.Select((u, i) => new MetricValue(u.ItemId, u.Target, null, unitRanks[i][j])).ToList();
            double mean = rankValues.Average(v => v.Value);
            var (lo, hi) = intervals.Interval(rankValues, () => new StreamingAccumulator(), $"{cell}|rank|{byMethod[j].Method.Method}|{byMethod[j].Method.Options}");
            methods.Add(new BlockMethodRank(byMethod[j].Method, mean, lo, hi, blockMeans[j], blockRanks[j]));
        }
        var friedman = k >= 3 ? FriedmanTest.Compute(common.Select(u => (IReadOnlyList<double>)byMethod.Select(m => m.Units[u].Value).ToArray()).ToList()) : null;

        // Every pair on the units both evaluated.
        var pairs = new List<(int A, int B, List<MetricValue> X, List<MetricValue> Y)>();
        for (int a = 0; a < k; a++)
            for (int b = a + 1; b < k; b++)
            {
                var x = new List<MetricValue>();
                var y = new List<MetricValue>();
                foreach (var (u, v) in byMethod[a].Units.OrderBy(e => e.Key.ItemId, StringComparer.Ordinal).ThenBy(e => e.Key.Target))
                    if (byMethod[b].Units.TryGetValue(u, out var w)) { x.Add(v); y.Add(w); }
                pairs.Add((a, b, x, y));
            }
        var tests = pairs.Select(p => WilcoxonSignedRankTest.Compute(p.X.Select(v => v.Value).ToArray(), p.Y.Select(v => v.Value).ToArray())).ToArray();
        var holm = HolmCorrection.Adjust(tests.Select(t => t.PValue).ToArray());
        var reject = HolmCorrection.Reject(tests.Select(t => t.PValue).ToArray(), options.Alpha);
        var comparisons = new List<PairComparison>();
        for (int p = 0; p < pairs.Count; p++)
        {
            var (a, b, x, y) = pairs[p];
            double diff = double.NaN, dlo = double.NaN, dhi = double.NaN;
            if (x.Count > 0)
            {
                diff = Headline(info, x) - Headline(info, y);
                (dlo, dhi) = intervals.PairedDifferenceInterval(x, y, info.NewAccumulator,
                    $"{key.Model}|{key.Dataset}|{byMethod[a].Method.Method}|{byMethod[a].Method.Options}|{key.Metric}|{key.MetricOptions}|vs|{byMethod[b].Method.Method}|{byMethod[b].Method.Options}");
            }
            comparisons.Add(new PairComparison(byMethod[a].Method, byMethod[b].Method, x.Count, diff, dlo, dhi, methods[a].MeanRank, methods[b].MeanRank,
                tests[p].Statistic, tests[p].PValue, holm[p], reject[p], false, reject[p]));
        }

        var real = Enumerable.Range(0, k).Where(j => !isBaseline(byMethod[j].Method)).ToArray();
        if (real.Length > 0)
            foreach (int j in Enumerable.Range(0, k).Where(j => isBaseline(byMethod[j].Method)))
            {
                int unitsBelow = 0, pairsBelow = 0;
                foreach (var u in common)
                {
                    double b = byMethod[j].Units[u].Value;
                    int below = real.Count(r => Better(byMethod[r].Units[u].Value, b, info.Direction));
                    pairsBelow += below;
                    if (below == real.Length) unitsBelow++;
                }
                double worstReal = real.Max(r => methods[r].MeanRank), bestReal = real.Min(r => methods[r].MeanRank);
                sanity.Add(new BaselineSanity(key, byMethod[j].Method, common.Count, real.Length, (double)unitsBelow / common.Count,
                    (double)pairsBelow / (common.Count * real.Length), methods[j].MeanRank, bestReal, worstReal, methods[j].MeanRank > worstReal));
            }
        var ordered = methods.OrderBy(m => m.MeanRank).ThenBy(m => m.Method.Method, StringComparer.Ordinal).ThenBy(m => m.Method.Options, StringComparer.Ordinal).ToList();
        return (new RankBlock(key, info.Direction, common.Count, ordered, friedman, comparisons), sanity);
    }

    private static double Headline(MetricInfo info, IReadOnlyList<MetricValue> values)
    {
        var acc = info.NewAccumulator();
        acc.Update(values);
        return acc.Summary().Mean;
    }

    /// <summary>Ranks (1 = best) of the non-NaN entries among themselves; NaN entries get NaN.</summary>
    private static double[] RanksOfPresent(double[] values, bool higher)
    {
        var present = Enumerable.Range(0, values.Length).Where(i => !double.IsNaN(values[i])).ToArray();
        var r = AverageRanks.Best(present.Select(i => values[i]).ToArray(), higher);
        var result = Enumerable.Repeat(double.NaN, values.Length).ToArray();
        for (int i = 0; i < present.Length; i++) result[present[i]] = r[i];
        return result;
    }

    private static AcrossBlocks? AcrossOf(string scope, string model, string dataset, List<RankBlock> blocks, RankingOptions options)
    {
        // Methods with a headline value in every block, re-ranked among themselves in each block.
        var methods = blocks[0].Methods.Select(m => m.Method).Where(m => blocks.All(b => b.Of(m) is { } r && !double.IsNaN(r.Mean)))
            .OrderBy(m => m.Method, StringComparer.Ordinal).ThenBy(m => m.Options, StringComparer.Ordinal).ToList();
        int k = methods.Count;
        if (k < 2) return null;
        var ranks = blocks.Select(b => AverageRanks.Best(methods.Select(m => b.Of(m)!.Mean).ToArray(), b.Direction == ScoreDirection.HigherIsBetter)).ToArray();
        var meanRank = Enumerable.Range(0, k).Select(j => ranks.Average(r => r[j])).ToArray();
        var friedman = k >= 3 ? FriedmanTest.Compute(ranks.Select(r => (IReadOnlyList<double>)r).ToList()) : null;
        double cd = NemenyiTest.CriticalDifference(k, blocks.Count, options.Alpha);
        var pairIndex = new List<(int A, int B)>();
        for (int a = 0; a < k; a++)
            for (int b = a + 1; b < k; b++) pairIndex.Add((a, b));
        var tests = pairIndex.Select(p => WilcoxonSignedRankTest.Compute(ranks.Select(r => r[p.A]).ToArray(), ranks.Select(r => r[p.B]).ToArray())).ToArray();
        var pValues = tests.Select(t => t.PValue).ToArray();
        var holm = HolmCorrection.Adjust(pValues);
        var reject = HolmCorrection.Reject(pValues, options.Alpha);
        bool nemenyi = options.PostHoc == RankingOptions.Nemenyi;
        var pairs = pairIndex.Select((p, i) =>
        {
            bool nemenyiReject = Math.Abs(meanRank[p.A] - meanRank[p.B]) >= cd;
            return new PairComparison(methods[p.A], methods[p.B], blocks.Count, double.NaN, double.NaN, double.NaN, meanRank[p.A], meanRank[p.B],
                tests[i].Statistic, tests[i].PValue, holm[i], reject[i], nemenyiReject, nemenyi ? nemenyiReject : reject[i]);
        }).ToList();
        int best = Enumerable.Range(0, k).OrderBy(j => meanRank[j]).First();
        var rows = Enumerable.Range(0, k).Select(j =>
        {
            if (j == best) return new AcrossMethodRank(methods[j], meanRank[j], ranks.Select(r => r[j]).ToArray(), double.NaN, double.NaN, false);
            var pair = pairs.First(p => (p.A == methods[j] && p.B == methods[best]) || (p.B == methods[j] && p.A == methods[best]));
            return new AcrossMethodRank(methods[j], meanRank[j], ranks.Select(r => r[j]).ToArray(), pair.WilcoxonP, pair.HolmP, pair.Significant);
        }).OrderBy(r => r.MeanRank).ThenBy(r => r.Method.Method, StringComparer.Ordinal).ThenBy(r => r.Method.Options, StringComparer.Ordinal).ToList();
        return new AcrossBlocks(scope, model, dataset, blocks.Select(b => b.Key).ToList(), rows, friedman, cd, options.PostHoc, options.Alpha, pairs);
    }

    /// <summary>τ-b between the mean ranks of two blocks over the methods both ranked.</summary>
    public static KendallResult Tau(RankBlock a, RankBlock b)
    {
        var shared = a.Methods.Select(m => m.Method).Where(m => b.Of(m) is not null)
            .OrderBy(m => m.Method, StringComparer.Ordinal).ThenBy(m => m.Options, StringComparer.Ordinal).ToList();
        return KendallTauB.Compute(shared.Select(m => a.Of(m)!.MeanRank).ToArray(), shared.Select(m => b.Of(m)!.MeanRank).ToArray());
    }

    private static List<MetricAgreement> AgreementOf(List<RankBlock> blocks)
    {
        var result = new List<MetricAgreement>();
        foreach (var experiment in blocks.GroupBy(b => (b.Key.Model, b.Key.Dataset)))
        {
            var list = experiment.ToList();
            for (int i = 0; i < list.Count; i++)
                for (int j = i + 1; j < list.Count; j++)
                {
                    var t = Tau(list[i], list[j]);
                    result.Add(new MetricAgreement(experiment.Key.Model, experiment.Key.Dataset, list[i].Key.Metric, list[i].Key.MetricOptions,
                        list[j].Key.Metric, list[j].Key.MetricOptions, t.Count, t.Tau, t.PValue));
                }
        }
        return result;
    }

    private static List<MetricConsistency> ConsistencyOf(List<RankBlock> blocks)
    {
        var result = new List<MetricConsistency>();
        foreach (var metric in blocks.GroupBy(b => (b.Key.Metric, b.Key.MetricOptions)).OrderBy(g => g.Key.Metric, StringComparer.Ordinal).ThenBy(g => g.Key.MetricOptions, StringComparer.Ordinal))
        {
            var list = metric.ToList();
            var taus = new List<double>();
            for (int i = 0; i < list.Count; i++)
                for (int j = i + 1; j < list.Count; j++)
                    if (Tau(list[i], list[j]).Tau is var t && !double.IsNaN(t)) taus.Add(t);
            result.Add(taus.Count == 0
                ? new MetricConsistency(metric.Key.Metric, metric.Key.MetricOptions, list.Count, 0, double.NaN, double.NaN, double.NaN)
                : new MetricConsistency(metric.Key.Metric, metric.Key.MetricOptions, list.Count, taus.Count, taus.Average(), taus.Min(), taus.Max()));
        }
        return result;
    }
}
