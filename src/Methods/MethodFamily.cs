namespace GuidedCam.Methods;

/// <summary>How a method turns the network into a map (the grouping of the survey tables in the field).</summary>
public enum MethodFamily
{
    /// <summary>Weights or maps from gradients of the class score (Grad-CAM and its successors, FullGrad).</summary>
    Gradient,
    /// <summary>From the activations alone, no class signal (Eigen-CAM).</summary>
    Activation,
    /// <summary>From the score change when the input or the activations are masked (Score-CAM, Ablation-CAM).</summary>
    Perturbation,
    /// <summary>A sanity baseline that uses no class evidence (random weights, a centred Gaussian).</summary>
    Baseline,
}
