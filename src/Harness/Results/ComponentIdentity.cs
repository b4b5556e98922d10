namespace GuidedCam.Harness.Results;

/// <summary>
/// What a model or a dataset is, independently of the name a config gives it: <see cref="Description"/>
/// lists everything that changes a number (for a model: the SHA-256 of its weights or ONNX file, the
/// architecture, the resolved target layer and preprocessing; for a dataset: kind, split and what
/// defines an item's content), and <see cref="Key"/> is the SHA-256 of that text. Cells and maps are
/// filed under the key, so a stored map is never served for other weights, layer or preprocessing.
/// </summary>
public sealed record ComponentIdentity(string Key, string Name, string Description)
{
    /// <summary>The key of a description: the first 32 hex digits of its SHA-256 (128 bits).</summary>
    public static ComponentIdentity Of(string name, string description) =>
        new(RunMetadata.Sha256(description)[..32], name, description);
}
