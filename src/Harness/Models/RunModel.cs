using GuidedCam.Core;
using GuidedCam.Harness.Datasets;

namespace GuidedCam.Harness.Models;

/// <summary>A model ready to run: the classifier, the preprocessing its inputs need, its label space and the target layer the run taps.</summary>
public sealed record RunModel(string Name, IClassifier Classifier, Preprocessing Preprocessing, string LabelSpace, string Layer) : IDisposable
{
    public void Dispose() => Classifier.Dispose();
}
