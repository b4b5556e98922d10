using static TorchSharp.torch;

namespace GuidedCam.Core;

/// <summary>
/// A view of a classifier that counts and times every forward pass through it (and every backward a
/// capture takes through <see cref="Gradients"/>) on a <see cref="PassCounter"/>. Metrics and methods
/// see an ordinary <see cref="IClassifier"/>. It does not own the wrapped model: disposing the view
/// leaves the model alone.
/// </summary>
public sealed class CountingClassifier(IClassifier inner, PassCounter counter) : ClassifierView(inner)
{
    public PassCounter Counter => counter;

    public override Tensor Forward(Tensor input, IReadOnlyList<LayerTap>? taps = null) =>
        counter.TimeForward(input.shape[0], () => Inner.Forward(input, taps));

    /// <summary>
    /// ∂score/∂wrt through <paramref name="model"/>'s graph (torch.autograd.grad), counted as one backward
    /// of <paramref name="images"/> images when the model is a counting view. The caller must have checked
    /// that <paramref name="score"/> requires grad: autograd.grad on a tensor that does not aborts the process.
    /// </summary>
    public static IList<Tensor> Gradients(IClassifier model, Tensor score, IList<Tensor> wrt, long images)
    {
        IList<Tensor> Backward() => TorchSharp.torch.autograd.grad(new[] { score }, wrt);
        if (model is CountingClassifier counting)
            return counting.Counter.TimeBackward(images, Backward);
        return Backward();
    }

    public override bool CarriesOver => true;

    public override ClassifierView Over(IClassifier other) => new CountingClassifier(other, counter);

    /// <summary>A view owns nothing: the wrapped model is disposed by whoever created it.</summary>
    public override void Dispose() { }
}
