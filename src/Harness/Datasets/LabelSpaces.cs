namespace GuidedCam.Harness.Datasets;

/// <summary>
/// Finds the <see cref="LabelMap"/> between a dataset's label space and a model's: the identity when
/// they are the same, otherwise the shipped table <c>{dataset}-{model}.tsv</c> (datasets/labelmaps/,
/// copied next to the program). Metrics that use the predicted class need no map; those that use
/// ground-truth classes call this.
/// </summary>
public static class LabelSpaces
{
    /// <summary>Where the shipped tables are at run time (copied to the build output by the Harness project).</summary>
    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "datasets", "labelmaps");

    /// <summary>
    /// The map from <paramref name="datasetSpace"/> (with its <paramref name="datasetClasses"/>) to
    /// <paramref name="modelSpace"/>. Throws when no table exists for the pair, naming the file looked for.
    /// </summary>
    public static LabelMap Resolve(string datasetSpace, IReadOnlyList<string> datasetClasses, string modelSpace, string? directory = null)
    {
        if (string.Equals(datasetSpace, modelSpace, StringComparison.OrdinalIgnoreCase)) return LabelMap.Identity(datasetSpace, datasetClasses);
        string dir = directory ?? DefaultDirectory;
        string path = Path.Combine(dir, $"{datasetSpace}-{modelSpace}.tsv");
        if (!File.Exists(path))
        {
            string known = Directory.Exists(dir) ? string.Join(", ", Directory.GetFiles(dir, "*.tsv").Select(Path.GetFileNameWithoutExtension).Order()) : "none";
            throw new FileNotFoundException($"no label map from '{datasetSpace}' to '{modelSpace}': {path} does not exist (available: {known})", path);
        }
        LabelMap map = LabelMap.Load(path);
        if (!string.Equals(map.SourceSpace, datasetSpace, StringComparison.OrdinalIgnoreCase) || !string.Equals(map.TargetSpace, modelSpace, StringComparison.OrdinalIgnoreCase))
            throw new FormatException($"{path}: declares {map.SourceSpace}→{map.TargetSpace}, expected {datasetSpace}→{modelSpace}");
        if (map.SourceClasses.Count != datasetClasses.Count)
            throw new FormatException($"{path}: {map.SourceClasses.Count} classes, the dataset has {datasetClasses.Count}");
        for (int c = 0; c < datasetClasses.Count; c++)
            if (!string.Equals(map.SourceClasses[c], datasetClasses[c], StringComparison.OrdinalIgnoreCase))
                throw new FormatException($"{path}: class {c} is '{map.SourceClasses[c]}', the dataset's is '{datasetClasses[c]}'");
        return map;
    }
}
