namespace GuidedCam.Tests.TestSupport;

/// <summary>
/// A fresh folder under the system temp directory for tests that build broken datasets or files,
/// deleted with everything in it when disposed.
/// </summary>
public sealed class TempDir : IDisposable
{
    private TempDir(string folder) => Folder = folder;

    public string Folder { get; }

    public static TempDir Create()
    {
        string dir = Path.Combine(Path.GetTempPath(), "guidedcam-ds-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return new TempDir(dir);
    }

    /// <summary>A fresh folder holding a copy of <paramref name="from"/> (small shared mini datasets only).</summary>
    public static TempDir CopyOf(string from)
    {
        var temp = Create();
        CopyTree(from, temp.Folder);
        return temp;
    }

    /// <summary>Copies a folder tree (small shared mini datasets only).</summary>
    public static void CopyTree(string from, string to)
    {
        foreach (string d in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, d)));
        Directory.CreateDirectory(to);
        foreach (string f in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(f, Path.Combine(to, Path.GetRelativePath(from, f)));
    }

    public void Dispose()
    {
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
    }
}
