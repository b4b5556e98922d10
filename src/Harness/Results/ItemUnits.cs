namespace GuidedCam.Harness.Results;

/// <summary>
/// What the clean forward pass of one item under one model decided, stored so that later runs can
/// count and evaluate cells without a forward: the top-1 class, the clean logits (float32, exactly as
/// computed; metrics read them for the clean probabilities) and the ground-truth units, each a dataset
/// class and the model class it maps to (unmapped classes are absent).
/// </summary>
public sealed record ItemUnits(string ItemId, long Top1, float[] Logits, IReadOnlyList<GroundTruthUnit> GroundTruth)
{
    /// <summary>Text form of the ground-truth units for the journal: "class:target,class:target".</summary>
    public string GroundTruthText => string.Join(',', GroundTruth.Select(u => $"{u.DatasetClass}:{u.Target}"));

    public static IReadOnlyList<GroundTruthUnit> ParseGroundTruth(string text) =>
        text.Length == 0 ? Array.Empty<GroundTruthUnit>()
            : text.Split(',').Select(p => p.Split(':')).Select(p => new GroundTruthUnit(int.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture), long.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture))).ToArray();
}
