namespace GuidedCam.Core;

/// <summary>
/// Rules every file the tool reads or writes follows, wherever it lies (run folders, model folders,
/// trained weights): containment of a path in a folder, and a failed write reported as one line naming the path.
/// </summary>
public static class FilePaths
{
    /// <summary>Whether <paramref name="path"/> (full) lies strictly inside <paramref name="root"/> (full).</summary>
    public static bool IsInside(string root, string path)
    {
        string r = Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar;
        return path.StartsWith(r, StringComparison.Ordinal);
    }

    /// <summary>
    /// Runs a write and turns its failure into one <see cref="IOException"/> that names
    /// <paramref name="path"/>: disk full and permission errors, and a file past the size limit, which
    /// .NET reports as an ArgumentOutOfRangeException ("file length too large", EFBIG) without a path.
    /// </summary>
    public static T Writing<T>(string path, Func<T> write)
    {
        try { return write(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException && !e.Message.Contains(path, StringComparison.Ordinal))
        {
            throw new IOException($"{path}: cannot write ({e.Message.TrimEnd('.')}); what was committed before is kept", e);
        }
    }

    /// <summary><see cref="Writing{T}"/> for writes without a result.</summary>
    public static void Writing(string path, Action write) => Writing(path, () => { write(); return 0; });
}
