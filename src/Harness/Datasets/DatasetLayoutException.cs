namespace GuidedCam.Harness.Datasets;

/// <summary>
/// The dataset folder does not have the layout its loader reads. Thrown by loader constructors before
/// any work starts, with every problem found (each naming its path), not just the first.
/// </summary>
public sealed class DatasetLayoutException(string datasetName, IReadOnlyList<string> problems)
    : Exception(Format(datasetName, problems))
{
    public string DatasetName { get; } = datasetName;
    public IReadOnlyList<string> Problems { get; } = problems;

    private const int MaxListed = 25;

    private static string Format(string name, IReadOnlyList<string> problems)
    {
        var lines = problems.Take(MaxListed).Select(p => "  - " + p);
        string more = problems.Count > MaxListed ? $"\n  … and {problems.Count - MaxListed} more (see Problems)" : "";
        return $"dataset '{name}': {problems.Count} layout problem(s):\n{string.Join('\n', lines)}{more}";
    }
}
