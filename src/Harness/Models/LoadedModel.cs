using GuidedCam.Core;
using GuidedCam.Harness.Datasets;

namespace GuidedCam.Harness.Models;

/// <summary>A ready classifier with the preprocessing its inputs need and the label space of its outputs.</summary>
public sealed record LoadedModel(IClassifier Model, Preprocessing Preprocessing, string LabelSpace)
{
    /// <summary>What the run should know about this model (e.g. random weights); also sent to <see cref="ModelLoader.Warn"/>.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
