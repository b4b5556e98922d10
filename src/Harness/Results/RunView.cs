using System.Text.Json;

namespace GuidedCam.Harness.Results;

/// <summary>
/// The cells one config asks for, as a selection over the journal: models and datasets by identity
/// (with the config's names), the ordered items, methods and metrics by key. Every run stores its view;
/// `report` shows the latest run's view, `report --config` another one. A view never deletes anything:
/// cells outside it stay in the journal (<c>report --list</c>).
/// </summary>
public sealed record RunView(
    IReadOnlyList<ViewEntry> Models,
    IReadOnlyList<ViewDataset> Datasets,
    IReadOnlyList<ViewComponent> Methods,
    IReadOnlyList<ViewComponent> Metrics,
    int Qualitative)
{
    /// <summary>The method tables compare with (config key `reference:`); null in views stored before the key existed: gradcam.</summary>
    public string? Reference { get; init; }

    /// <summary>The post-hoc test across blocks (config key `post-hoc:`, <see cref="RankingOptions.PostHocTests"/>); null: Wilcoxon–Holm.</summary>
    public string? PostHoc { get; init; }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static RunView FromJson(string json) =>
        JsonSerializer.Deserialize<RunView>(json, Json) ?? throw new InvalidDataException("empty run view in the journal");

    public string? ModelName(string key) => Models.FirstOrDefault(m => m.Key == key)?.Name;
    public string? DatasetName(string key) => Datasets.FirstOrDefault(d => d.Key == key)?.Name;
}
