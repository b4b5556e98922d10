using System.Globalization;
using GuidedCam.Core;

namespace GuidedCam.Metrics;

/// <summary>
/// ROAD, RemOve And Debias (Rong, Leemann, Borisov, Kasneci &amp; Kasneci 2022, "A Consistent and
/// Efficient Evaluation Strategy for Attribution Methods", ICML; pytorch-grad-cam 1.5.5 metrics/road.py
/// ROADCombined): pixels are removed by percentile of the map and filled by a noisy linear imputation
/// instead of a constant, so the perturbed image does not leak the removed shape. For each percentile p,
/// MoRF keeps the pixels below the p-th percentile of the map and imputes the rest; LeRF does the same
/// on 1 − map (<see cref="RoadCurves"/>). Per unit:
/// <list type="bullet">
/// <item>`output: combined` (default) — (mean LeRF − mean MoRF) / 2 of the change of p_c, higher is better;</item>
/// <item>`output: morf` — mean MoRF change, lower is better (the confidence falls when the relevant pixels go);</item>
/// <item>`output: lerf` — mean LeRF change, higher is better (it stays when the irrelevant pixels go).</item>
/// </list>
/// The curve kept with each value has one point per percentile: the MoRF or LeRF changes, or for
/// `combined` (LeRF_p − MoRF_p) / 2; the value is its mean. A unit whose imputation did not reach the
/// solver tolerance, or whose map is constant, is flagged.
/// </summary>
public sealed class RoadMetric : MetricBase, ICurveAxis
{
    public const string PercentilesKey = "percentiles";
    public const string NoiseKey = "noise";
    public const string SeedKey = "seed";
    public const string OutputKey = "output";
    public const string BatchSizeKey = "batch-size";
    public const string Combined = "combined";
    public const string MostRelevantFirst = "morf";
    public const string LeastRelevantFirst = "lerf";

    private static readonly IReadOnlyList<OptionSpec> Specs = new[]
    {
        new OptionSpec(PercentilesKey, "10,20,30,40,50,60,70,80,90",
            "percentiles p of the map (ascending, each in [0, 100]): MoRF keeps the pixels below the p-th percentile and imputes the rest, LeRF the same on 1 − map"),
        new OptionSpec(NoiseKey, "0.01", "standard deviation of the Gaussian noise added to imputed pixels (normalised units; 0 = deterministic)"),
        new OptionSpec(SeedKey, "0", "seed of the imputation noise (a config fills in the run's seed); each unit draws its own stream"),
        new OptionSpec(OutputKey, Combined, "the value: (LeRF − MoRF)/2, or the MoRF or LeRF mean alone", new[] { Combined, MostRelevantFirst, LeastRelevantFirst }),
        new OptionSpec(BatchSizeKey, "32", "imputed images solved and forwarded together (does not change the values)"),
    };

    private readonly double[] _percentiles;
    private readonly double _noise;
    private readonly int _seed;
    private readonly int _batchSize;

    public RoadMetric(IReadOnlyDictionary<string, string>? options = null) : base(options)
    {
        _percentiles = ParsePercentiles(Id, Options[PercentilesKey]);
        _noise = Options.GetDouble(Id, NoiseKey);
        if (_noise < 0) throw new ArgumentException($"'{Id}.{NoiseKey}' must be ≥ 0, not '{Options[NoiseKey]}'");
        _seed = Options.GetInt(Id, SeedKey, min: 0);
        _batchSize = Options.GetInt(Id, BatchSizeKey, min: 1);
    }

    public override string Id => "road";
    public override string DisplayName => Options[OutputKey] switch
    {
        MostRelevantFirst => "ROAD MoRF",
        LeastRelevantFirst => "ROAD LeRF",
        _ => "ROAD (LeRF − MoRF)/2",
    };
    public override string ShortName => Options[OutputKey] switch
    {
        MostRelevantFirst => "ROAD MoRF",
        LeastRelevantFirst => "ROAD LeRF",
        _ => "ROAD",
    };
    /// <summary>After the paper's seven (10…80) and sparsity (90).</summary>
    public override int Order => 100;
    public override string Citation => "Rong et al. 2022, ROAD (ICML); pytorch-grad-cam 1.5.5 metrics/road.py";

    /// <summary>2 × #percentiles forwards per unit, shared by entries that differ only in `output` or `batch-size` (same curves on a shared batch).</summary>
    public override MetricCost Cost(int inputHeight, int inputWidth) => new(new PassCost(ForwardsPerUnit, 0), "road:" + SharedCurvesKey);
    public override ScoreDirection Direction => Options[OutputKey] == MostRelevantFirst ? ScoreDirection.LowerIsBetter : ScoreDirection.HigherIsBetter;
    public override string Unit => "Δp";
    protected override TargetSelection DefaultTarget => TargetSelection.Predicted;
    protected override IReadOnlyList<OptionSpec> ProtocolOptions => Specs;

    /// <summary>The percentiles of the curve are its x positions: p % of the pixels are kept at point p.</summary>
    public double CurvePosition(int point, int points) => _percentiles[point];
    public string CurveXLabel => "p: percent of pixels kept (MoRF keeps the least relevant, LeRF the most relevant)";
    public string CurveYLabel => Options[OutputKey] == Combined ? "(LeRF − MoRF)/2 change of p_c" : "change of p_c after imputation";

    /// <summary>Entries with equal keys read the same curves from a shared batch (they differ only in `output` or `batch-size`).</summary>
    public string SharedCurvesKey => RoadCurves.Key(_percentiles, _noise, _seed);

    /// <summary>Network forwards per unit: one imputed image per percentile and order.</summary>
    public int ForwardsPerUnit => 2 * _percentiles.Length;

    protected override IReadOnlyList<MetricValue> Compute(MetricBatch batch)
    {
        var curves = RoadCurves.Get(batch, _percentiles, _noise, _seed, _batchSize);
        bool[] constant = ConstantMaps.Of(batch.Maps);
        var values = new MetricValue[curves.Length];
        for (int i = 0; i < curves.Length; i++)
        {
            var c = curves[i];
            double[] curve = Options[OutputKey] switch
            {
                MostRelevantFirst => c.MostRelevantFirst,
                LeastRelevantFirst => c.LeastRelevantFirst,
                _ => c.LeastRelevantFirst.Zip(c.MostRelevantFirst, (l, m) => (l - m) / 2).ToArray(),
            };
            values[i] = ValueOf(batch.Units[i], curve.Average(), flagged: constant[i] || !c.Converged, curve: curve);
        }
        return values;
    }

    public static double[] ParsePercentiles(string owner, string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var result = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out result[i]) || !(result[i] >= 0 && result[i] <= 100))
                throw new ArgumentException($"'{owner}.{PercentilesKey}' must be numbers in [0, 100], not '{parts[i]}'");
            if (i > 0 && result[i] <= result[i - 1])
                throw new ArgumentException($"'{owner}.{PercentilesKey}' must be ascending without repeats, not '{text}'");
        }
        if (result.Length == 0) throw new ArgumentException($"'{owner}.{PercentilesKey}' needs at least one percentile");
        return result;
    }
}
