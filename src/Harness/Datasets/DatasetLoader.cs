namespace GuidedCam.Harness.Datasets;

/// <summary>Opens the dataset a <see cref="DatasetSpec"/> describes through the factory registered for its kind.</summary>
public static class DatasetLoader
{
    /// <summary>
    /// Factories by kind (case-insensitive): the three real-dataset loaders and the built-in synthetic set.
    /// </summary>
    public static Dictionary<string, Func<DatasetSpec, IDataset>> Builtins { get; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["imagenet"] = spec => new ImageNetDataset(spec),
        ["coco"] = spec => new CocoDataset(spec),
        ["voc"] = spec => new VocDataset(spec),
        ["synthetic"] = SyntheticDataset.FromSpec,
    };

    /// <summary>Validates the spec's selection options and opens the dataset (its constructor validates the layout).</summary>
    public static IDataset Open(DatasetSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (string.IsNullOrWhiteSpace(spec.Kind))
            throw new ArgumentException($"dataset '{spec.Name}': `kind` is missing; allowed: {string.Join(", ", Builtins.Keys.Order())}");
        if (!Builtins.TryGetValue(spec.Kind, out var factory))
            throw new ArgumentException($"dataset '{spec.Name}': unknown kind '{spec.Kind}'; allowed: {string.Join(", ", Builtins.Keys.Order())}");
        ItemSelection.ValidateOptions(spec);
        return factory(spec);
    }
}
