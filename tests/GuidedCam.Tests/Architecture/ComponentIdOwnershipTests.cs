using GuidedCam.Methods;
using GuidedCam.Metrics;

namespace GuidedCam.Tests.Architecture;

/// <summary>
/// A built-in method or metric id, as a string literal ("gradcam", "deletion"), stands in src/ only in
/// the file of the type registered under it and in its registry: everything else reads what the
/// component declares (display name, column, axis, cost …), so adding or renaming one touches one file
/// and one registry line. Comments count too, so prose names ids without quotes.
/// </summary>
public class ComponentIdOwnershipTests
{
    private static readonly string[] Registries = ["MethodRegistry.cs", "MetricRegistry.cs"];

    [Fact]
    public void Built_in_ids_are_quoted_only_in_their_own_file_and_registry()
    {
        var owners = Owners();
        var files = SourceFile.UnderSrc();
        var offences = new List<string>();
        foreach (var f in files)
        {
            string name = Path.GetFileName(f.RelativePath);
            if (Registries.Contains(name)) continue;
            var lines = f.Raw.Split('\n');
            foreach (var (id, ownerFile) in owners)
            {
                if (name == ownerFile) continue;
                for (int i = 0; i < lines.Length; i++)
                    if (lines[i].Contains($"\"{id}\"", StringComparison.Ordinal))
                        offences.Add($"{f.RelativePath}:{i + 1}: \"{id}\" (owned by {ownerFile})");
            }
        }
        Assert.True(offences.Count == 0, "ids outside their own file and registry:\n" + string.Join("\n", offences));
    }

    [Fact]
    public void Every_id_is_found_in_its_own_file_and_registry()
    {
        // The scan above is only as good as its reading of src/: each id must be found where it belongs.
        var files = SourceFile.UnderSrc();
        foreach (var (id, ownerFile) in Owners())
        {
            Assert.Contains(files, f => Path.GetFileName(f.RelativePath) == ownerFile && f.Raw.Contains($"\"{id}\"", StringComparison.Ordinal));
            Assert.Contains(files, f => Registries.Contains(Path.GetFileName(f.RelativePath)) && f.Raw.Contains($".With(\"{id}\",", StringComparison.Ordinal));
        }
    }

    /// <summary>Built-in id → file name of the type registered under it (one public type per file).</summary>
    private static List<(string Id, string File)> Owners()
    {
        var owners = new List<(string, string)>();
        foreach (string id in MethodRegistry.BuiltIn.Ids)
            owners.Add((id, MethodRegistry.BuiltIn.Create(id).GetType().Name + ".cs"));
        foreach (string id in MetricRegistry.BuiltIn.Ids)
        {
            var metric = MetricRegistry.BuiltIn.Create(id);
            owners.Add((id, metric.GetType().Name + ".cs"));
            (metric as IDisposable)?.Dispose();
        }
        Assert.True(owners.Count >= 25, $"expected the 14 built-in methods and 11 metrics, found {owners.Count}");
        return owners;
    }
}
