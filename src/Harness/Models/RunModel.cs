using GuidedCam.Core;
using GuidedCam.Harness.Datasets;

namespace GuidedCam.Harness.Models;

/// <summary>
/// A model ready to run: the classifier, the preprocessing its inputs need, its label space, the
/// target layer the run taps, and the <see cref="ModelSpec"/> it was loaded from (what identifies it).
/// </summary>
public sealed record RunModel(ModelSpec Spec, IClassifier Classifier, Preprocessing Preprocessing, string LabelSpace, string Layer) : IDisposable
{
    public string Name => Spec.Name;

    public void Dispose() => Classifier.Dispose();
}
