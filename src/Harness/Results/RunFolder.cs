using System.Globalization;
using GuidedCam.Core;

namespace GuidedCam.Harness.Results;

/// <summary>
/// The rules of a run folder, in one place, for every verb that writes one (`run`, `merge`, `report`):
/// <list type="bullet">
/// <item>A run folder is marked by its journal (<see cref="ResultJournal.FileName"/>). A writer may
/// start in a folder that does not exist, an empty folder, or a run folder — never in an existing
/// non-empty folder without a journal (it is someone's data, not ours).</item>
/// <item>One writer at a time: <see cref="Lock"/> takes an exclusive advisory lock (flock, through
/// .NET's <c>FileShare.None</c>) on <see cref="LockFileName"/>. The OS drops the lock when the process
/// dies, so a killed run never leaves a lock that blocks the next one; the holder's pid, host and
/// start time are written beside it (<see cref="HolderFileName"/>) so a second writer can name it.</item>
/// <item>The report deletes only files it wrote: each report lists its files in
/// <see cref="ManifestFileName"/>, and the next report removes those of them it does not write again.</item>
/// </list>
/// Readers (a report while a run is writing) do not take the writer lock: SQLite's WAL lets them
/// read committed batches while the run appends, and they write only report files. Reports serialise
/// among themselves with their own lock (<see cref="ReportLockFileName"/>).
/// </summary>
public sealed class RunFolder : IDisposable
{
    public const string LockFileName = ".guidedcam.lock";
    public const string HolderFileName = ".guidedcam.lock.holder";
    public const string ReportLockFileName = ".guidedcam.report.lock";
    public const string ManifestFileName = ".guidedcam.report-files";

    private readonly FileStream _lock;
    private readonly string? _holderFile;

    public string Dir { get; }

    /// <summary>The process that held the lock before and died without releasing it (null when none), for the log.</summary>
    public string? TakenOverFrom { get; }

    private RunFolder(string dir, FileStream lockStream, string? holderFile, string? takenOverFrom)
    {
        Dir = dir;
        _lock = lockStream;
        _holderFile = holderFile;
        TakenOverFrom = takenOverFrom;
    }

    /// <summary>Whether <paramref name="dir"/> is a run folder (holds a journal).</summary>
    public static bool IsRunFolder(string dir) => File.Exists(ResultJournal.PathIn(dir));

    /// <summary>
    /// Checks that <paramref name="verb"/> may write into <paramref name="dir"/>: absent, empty or a run
    /// folder. Anything else is an <see cref="ArgumentException"/> naming the folder (one line, exit 2).
    /// </summary>
    public static void RequireWritable(string dir, string verb)
    {
        string full = Path.GetFullPath(dir);
        if (File.Exists(full))
            throw new ArgumentException($"{full}: is a file, not a run folder; {verb} needs a new or empty folder or a run folder (one with {ResultJournal.FileName})");
        if (!Directory.Exists(full) || IsRunFolder(full)) return;
        if (Directory.EnumerateFileSystemEntries(full).Any(e => Path.GetFileName(e) is not (LockFileName or HolderFileName)))
        {
            // A writer that started a moment ago holds the lock and has not written its journal yet: name it.
            if (HolderOfTakenLock(full) is { } holder)
                throw new ArgumentException($"{full}: another writer holds the run folder ({holder}); {verb} waits for no one — run again when it has finished");
            throw new ArgumentException($"{full}: the folder exists, is not empty and is not a run folder (no {ResultJournal.FileName}); {verb} writes only into a new or empty folder or a run folder — choose another --out");
        }
    }

    /// <summary>The holder's line when another process holds the writer lock of <paramref name="full"/>, else null.</summary>
    private static string? HolderOfTakenLock(string full)
    {
        string lockPath = Path.Combine(full, LockFileName);
        if (!File.Exists(lockPath)) return null;
        try
        {
            using var probe = new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return null;
        }
        catch (IOException) { return WaitForHolder(Path.Combine(full, HolderFileName)); }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>
    /// Takes the writer lock of a run folder (creating the folder when needed) after
    /// <see cref="RequireWritable"/>. A second writer gets an <see cref="ArgumentException"/> at once
    /// naming the holder (pid, host, start time).
    /// </summary>
    public static RunFolder Lock(string dir, string verb)
    {
        RequireWritable(dir, verb);
        string full = Path.GetFullPath(dir);
        CreateDirectory(full);
        return Acquire(full, LockFileName, HolderFileName, verb);
    }

    /// <summary>
    /// The report's own lock: two reports never write the same files at once (the second waits up to
    /// <paramref name="wait"/>, reports take seconds); a running writer is not blocked by it.
    /// </summary>
    public static RunFolder LockForReport(string dir, TimeSpan? wait = null)
    {
        string full = Path.GetFullPath(dir);
        if (!IsRunFolder(full))
            throw new ArgumentException($"{full}: not a run folder (no {ResultJournal.FileName}); report reads a folder written by `guidedcam run` or `merge`");
        var deadline = DateTime.UtcNow + (wait ?? TimeSpan.FromMinutes(2));
        while (true)
        {
            try { return Acquire(full, ReportLockFileName, null, "report"); }
            catch (ArgumentException) when (DateTime.UtcNow < deadline) { Thread.Sleep(100); }
        }
    }

    private static RunFolder Acquire(string full, string lockName, string? holderName, string verb)
    {
        string lockPath = Path.Combine(full, lockName);
        string? holderPath = holderName is null ? null : Path.Combine(full, holderName);
        string? previous = holderPath is not null && File.Exists(holderPath) ? ReadHolder(holderPath) : null;
        FileStream stream;
        try
        {
            // FileShare.None is an exclusive flock(2) on Linux and macOS: advisory, released by the kernel when the process dies.
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UnauthorizedAccessException($"{lockPath}: cannot create the lock file ({e.Message}); is the folder read-only?", e);
        }
        catch (IOException e) when (e is not (FileNotFoundException or DirectoryNotFoundException))
        {
            string holder = holderPath is not null ? WaitForHolder(holderPath) : "another report";
            throw new ArgumentException($"{full}: another {(holderName is null ? "report" : "writer")} holds the run folder ({holder}); {verb} waits for no one — run again when it has finished");
        }
        if (holderPath is null) return new RunFolder(full, stream, null, null);
        string me = $"pid {Environment.ProcessId} on {Environment.MachineName}, started {DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}Z ({verb})";
        try
        {
            string tmp = holderPath + ".tmp";
            File.WriteAllText(tmp, me + "\n");
            File.Move(tmp, holderPath, overwrite: true);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        return new RunFolder(full, stream, holderPath, previous);
    }

    /// <summary>
    /// The holder file's line; the holder writes it right after taking the lock, so wait when it is not there
    /// yet (up to 5 s: a loaded machine may pause the holder between the two steps).
    /// </summary>
    private static string WaitForHolder(string holderPath)
    {
        for (int i = 0; i < 200; i++)
        {
            string? h = File.Exists(holderPath) ? ReadHolder(holderPath) : null;
            if (h is not null) return h;
            Thread.Sleep(25);
        }
        return "holder unknown";
    }

    private static string? ReadHolder(string path)
    {
        try { return File.ReadAllText(path).Trim() is { Length: > 0 } s ? s : null; }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static void CreateDirectory(string full)
    {
        try { Directory.CreateDirectory(full); }
        catch (UnauthorizedAccessException e) { throw new UnauthorizedAccessException($"{full}: cannot create the run folder ({e.Message})", e); }
    }

    /// <summary>Files (relative to the run folder) the previous report wrote; empty when there was none.</summary>
    public static IReadOnlyList<string> ReportFiles(string dir)
    {
        string manifest = Path.Combine(dir, ManifestFileName);
        if (!File.Exists(manifest)) return System.Array.Empty<string>();
        return File.ReadAllLines(manifest).Where(l => l.Length > 0).ToList();
    }

    /// <summary>
    /// Deletes the files of the previous report that are not in <paramref name="keep"/> (figures of a
    /// method or metric no longer in the journal). Only manifest entries that resolve to a file inside
    /// the run folder are touched, so an edited manifest cannot delete anything else.
    /// </summary>
    public static IReadOnlyList<string> RemoveStaleReportFiles(string dir, IEnumerable<string> keep)
    {
        string root = Path.GetFullPath(dir);
        var keepSet = keep.Select(Path.GetFullPath).ToHashSet(StringComparer.Ordinal);
        var removed = new List<string>();
        foreach (string rel in ReportFiles(root))
        {
            string full = Path.GetFullPath(Path.Combine(root, rel));
            if (!IsInside(root, full) || keepSet.Contains(full) || !File.Exists(full)) continue;
            if (Path.GetFileName(full) == ResultJournal.FileName) continue;
            File.Delete(full);
            removed.Add(full);
        }
        return removed;
    }

    /// <summary>Records the files a report wrote (relative paths), replacing the manifest atomically.</summary>
    public static void WriteReportManifest(string dir, IEnumerable<string> files)
    {
        string root = Path.GetFullPath(dir);
        var lines = files.Select(f => Path.GetRelativePath(root, Path.GetFullPath(f))).Where(r => IsInside(root, Path.GetFullPath(Path.Combine(root, r))))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        string manifest = Path.Combine(root, ManifestFileName);
        string tmp = manifest + ".tmp";
        File.WriteAllLines(tmp, lines);
        File.Move(tmp, manifest, overwrite: true);
    }

    /// <summary>Whether <paramref name="path"/> (full) lies strictly inside <paramref name="root"/> (full).</summary>
    public static bool IsInside(string root, string path) => FilePaths.IsInside(root, path);

    /// <summary>Runs a write into the run folder; a failure becomes one <see cref="IOException"/> naming <paramref name="path"/> (<see cref="FilePaths.Writing{T}"/>).</summary>
    public static T Writing<T>(string path, Func<T> write) => FilePaths.Writing(path, write);

    /// <summary><see cref="Writing{T}"/> for writes without a result.</summary>
    public static void Writing(string path, Action write) => FilePaths.Writing(path, write);

    public void Dispose()
    {
        // The holder file stays: the next writer reads it to report a takeover from a killed process.
        // Mark it released so that a later takeover is not reported for a run that ended normally.
        if (_holderFile is not null)
        {
            try { File.Delete(_holderFile); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        _lock.Dispose();
    }
}
