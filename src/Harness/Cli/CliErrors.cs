using GuidedCam.Harness.Config;
using Spectre.Console;

namespace GuidedCam.Harness.Cli;

/// <summary>Turns input errors into clear one-line messages and exit code 2 (never a stack trace for bad input).</summary>
public static class CliErrors
{
    private const int SigXfsz = 25; // Linux and macOS
    private static readonly IntPtr SigIgn = 1;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "signal")]
    private static extern IntPtr Signal(int signum, IntPtr handler);

    /// <summary>
    /// A write past the file size limit (`ulimit -f`) raises SIGXFSZ, whose default action kills the
    /// process without a word. Ignored, the write fails with EFBIG instead, which .NET reports as an
    /// IOException naming the file, so the CLI can say what failed (POSIX write(2), setrlimit(2)).
    /// </summary>
    public static void ReportFileSizeLimitAsError()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            try { Signal(SigXfsz, SigIgn); }
            catch (DllNotFoundException) { }
            catch (EntryPointNotFoundException) { }
        }
    }

    public static int Guard(Func<int> body)
    {
        try { return body(); }
        catch (ConfigException e)
        {
            foreach (var line in e.Errors) Console.Error.WriteLine("error: " + line);
            return 2;
        }
        catch (Exception e) when (ConfigValidator.IsInputError(e))
        {
            Console.Error.WriteLine("error: " + e.Message);
            return 2;
        }
    }
}
