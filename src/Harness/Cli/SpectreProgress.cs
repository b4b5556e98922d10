using GuidedCam.Harness.Running;
using Spectre.Console;

namespace GuidedCam.Harness.Cli;

/// <summary>Shows the runner's stages as Spectre.Console progress bars with elapsed time and ETA.</summary>
public sealed class SpectreProgress(ProgressContext ctx) : IRunProgress
{
    private ProgressTask? _task;

    public void StartStage(string name, int totalItems)
    {
        _task = ctx.AddTask(Markup.Escape(name), maxValue: Math.Max(1, totalItems));
    }

    public void Advance(int items) => _task?.Increment(items);

    public void EndStage()
    {
        if (_task is { } t) t.Value = t.MaxValue;
    }

    /// <summary>Runs <paramref name="body"/> under a progress display (plain lines when output is redirected).</summary>
    public static T Show<T>(Func<IRunProgress, T> body)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
            return body(new LineProgress());
        return AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx => body(new SpectreProgress(ctx)));
    }

    /// <summary>Non-interactive output (CI, pipes): one line per stage and every 10 %, with ETA.</summary>
    private sealed class LineProgress : IRunProgress
    {
        private string _name = "";
        private int _total, _done, _lastDecile;
        private System.Diagnostics.Stopwatch _sw = new();

        public void StartStage(string name, int totalItems)
        {
            (_name, _total, _done, _lastDecile) = (name, Math.Max(1, totalItems), 0, 0);
            _sw = System.Diagnostics.Stopwatch.StartNew();
            Console.WriteLine($"{name}: {totalItems} items");
        }

        public void Advance(int items)
        {
            _done += items;
            int decile = _done * 10 / _total;
            if (decile <= _lastDecile) return;
            _lastDecile = decile;
            double eta = _sw.Elapsed.TotalSeconds / _done * (_total - _done);
            Console.WriteLine($"{_name}: {_done}/{_total} items, {_sw.Elapsed.TotalSeconds:F0} s elapsed, ETA {eta:F0} s");
        }

        public void EndStage() { }
    }
}
