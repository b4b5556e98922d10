namespace GuidedCam.Methods;

/// <summary>What a method needs of the model; `validate` checks these against each model before any work.</summary>
[Flags]
public enum MethodNeeds
{
    None = 0,
    /// <summary>A backward pass from the class score to the target layer.</summary>
    Gradients = 1,
    /// <summary>A target layer whose output is N×K×h×w (a convolutional feature map, or tokens reshaped to one).</summary>
    SpatialLayer = 2,
}
