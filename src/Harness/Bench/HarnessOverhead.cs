using System.Globalization;
using System.Text.RegularExpressions;

namespace GuidedCam.Harness.Bench;

/// <summary>What one stage (model × dataset) of a run spent, as its `passes` line in run.log records it.</summary>
/// <param name="Stage">"model × dataset".</param>
/// <param name="ForwardCallsByBatchSize">Forward invocations per batch size (input rows).</param>
/// <param name="WallSeconds">The stage's wall time.</param>
/// <param name="ForwardSeconds">Wall time inside model forwards.</param>
/// <param name="BackwardSeconds">Wall time inside capture backwards.</param>
/// <param name="CpuSeconds">Process CPU time during the stage (all threads).</param>
public sealed record StageSpend(string Stage, IReadOnlyDictionary<int, long> ForwardCallsByBatchSize, double WallSeconds, double ForwardSeconds, double BackwardSeconds, double CpuSeconds)
{
    public long ForwardImages => ForwardCallsByBatchSize.Sum(kv => kv.Key * kv.Value);
}

/// <summary>
/// The harness overhead ratio of a run: stage wall time ÷ Σ_b (images forwarded at batch size b ×
/// the model's raw no_grad forward time per image at b). 1.0 would mean the run did nothing but the
/// forwards it needed, at raw speed; everything else (backwards, map and mask arithmetic, metric
/// bookkeeping, journal writes, image decoding) is the excess.
/// </summary>
public static partial class HarnessOverhead
{
    [GeneratedRegex(@"passes (?<stage>.+?): forward \d+ calls / \d+ images \[(?<batches>[^\]]*)\]; backward \d+ calls / \d+ images in (?<bw>[\d.]+) s; wall (?<wall>[\d.]+) s = model forward (?<fw>[\d.]+) s .*; CPU (?<cpu>[\d.]+) s")]
    private static partial Regex PassesLine();

    [GeneratedRegex(@"(?<b>\d+)×(?<calls>\d+) in [\d.]+ s")]
    private static partial Regex BatchEntry();

    /// <summary>The last `passes` line of each stage in a run.log (a resumed run appends; the last run counts).</summary>
    public static IReadOnlyList<StageSpend> FromRunLog(string path)
    {
        if (!File.Exists(path)) throw new ArgumentException($"{path}: no run.log there (run the config first)");
        var byStage = new Dictionary<string, StageSpend>();
        foreach (var line in File.ReadLines(path))
        {
            var m = PassesLine().Match(line);
            if (!m.Success) continue;
            var calls = BatchEntry().Matches(m.Groups["batches"].Value)
                .ToDictionary(e => int.Parse(e.Groups["b"].Value, CultureInfo.InvariantCulture), e => long.Parse(e.Groups["calls"].Value, CultureInfo.InvariantCulture));
            double D(string g) => double.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture);
            string stage = m.Groups["stage"].Value;
            byStage[stage] = new StageSpend(stage, calls, D("wall"), D("fw"), D("bw"), D("cpu"));
        }
        if (byStage.Count == 0) throw new ArgumentException($"{path}: no 'passes' line (the run did not finish a stage, or was written by a version without pass counters)");
        return byStage.Values.ToArray();
    }

    /// <summary>Σ_b calls_b · b · raw ms/image at b, in seconds: what the stage's forwards would cost at raw speed.</summary>
    public static double RawForwardSeconds(StageSpend stage, IReadOnlyDictionary<int, double> rawMsPerImage) =>
        stage.ForwardCallsByBatchSize.Sum(kv => kv.Value * kv.Key * (rawMsPerImage.TryGetValue(kv.Key, out var ms)
            ? ms : throw new ArgumentException($"no raw forward time measured at batch size {kv.Key}"))) / 1000.0;

    /// <summary>Stage wall time ÷ <see cref="RawForwardSeconds"/>.</summary>
    public static double Ratio(StageSpend stage, IReadOnlyDictionary<int, double> rawMsPerImage) =>
        stage.WallSeconds / RawForwardSeconds(stage, rawMsPerImage);
}
