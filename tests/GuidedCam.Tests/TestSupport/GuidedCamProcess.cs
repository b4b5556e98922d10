using System.Diagnostics;
using System.Text;

namespace GuidedCam.Tests.TestSupport;

/// <summary>
/// The `guidedcam` CLI as a child process (guidedcam.dll is copied next to the test assembly), for
/// tests that need a real exit code, a kill -9 or process limits. OMP_WAIT_POLICY=PASSIVE as always
/// (NOTES-torchsharp.md: spin-waiting threads collapse throughput on a shared 2-core machine).
/// </summary>
public sealed class GuidedCamProcess : IDisposable
{
    private readonly StringBuilder _stdout = new(), _stderr = new(), _output = new();
    private readonly string _command;

    public Process Process { get; }

    private GuidedCamProcess(Process p, string command)
    {
        Process = p;
        _command = command;
    }

    public string Stdout { get { lock (_output) return _stdout.ToString(); } }
    public string Stderr { get { lock (_output) return _stderr.ToString(); } }
    /// <summary>Standard output and error interleaved in the order the lines arrived, for failure messages.</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    public static string Dll
    {
        get
        {
            string dll = Path.Combine(AppContext.BaseDirectory, "guidedcam.dll");
            Assert.True(File.Exists(dll), $"{dll} missing: the test project must reference src/Harness");
            return dll;
        }
    }

    /// <summary>Starts guidedcam with <paramref name="args"/>; <paramref name="shellPrefix"/> (e.g. "ulimit -f 64;") runs it through bash with that prefix.</summary>
    public static GuidedCamProcess Start(IEnumerable<string> args, string? shellPrefix = null, IReadOnlyDictionary<string, string>? env = null, string[]? wrapper = null)
    {
        string host = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var command = new List<string> { host, Dll };
        command.AddRange(args);
        if (wrapper is not null) command.InsertRange(0, wrapper);
        ProcessStartInfo psi;
        if (shellPrefix is null)
        {
            psi = new ProcessStartInfo(command[0]);
            foreach (string a in command.Skip(1)) psi.ArgumentList.Add(a);
        }
        else
        {
            psi = new ProcessStartInfo("bash");
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(shellPrefix + " exec \"$@\"");
            psi.ArgumentList.Add("bash");
            foreach (string a in command) psi.ArgumentList.Add(a);
        }
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        psi.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        var process = new Process { StartInfo = psi };
        var child = new GuidedCamProcess(process, "guidedcam " + string.Join(' ', args));
        process.OutputDataReceived += (_, d) => child.Append(child._stdout, d.Data);
        process.ErrorDataReceived += (_, d) => child.Append(child._stderr, d.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    private void Append(StringBuilder stream, string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            stream.AppendLine(line);
            _output.AppendLine(line);
        }
    }

    /// <summary>Runs to the end (at most 3 minutes) and returns the exit code and output.</summary>
    public static CliResult Run(params string[] args) => Run(args, null);

    public static CliResult Run(string[] args, string? shellPrefix, IReadOnlyDictionary<string, string>? env = null, string[]? wrapper = null)
    {
        using var child = Start(args, shellPrefix, env, wrapper);
        return child.Wait();
    }

    public CliResult Wait()
    {
        if (!Process.WaitForExit(TimeSpan.FromMinutes(3))) Assert.Fail($"{_command} did not finish within 3 minutes\n{Output}");
        Process.WaitForExit(); // flushes the asynchronous readers
        return new CliResult(Process.ExitCode, Stdout, Stderr);
    }

    /// <summary>kill -9: no handler runs, nothing is flushed.</summary>
    public void Kill9()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        Process.WaitForExit();
    }

    public void Dispose()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        Process.Dispose();
    }
}
