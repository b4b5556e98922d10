using System.CommandLine;

namespace GuidedCam.Harness.Cli;

/// <summary>The `guidedcam` verbs. Each verb lives in its own file and is listed here.</summary>
public static class CommandLine
{
    public static int Run(string[] args)
    {
        CliErrors.ReportFileSizeLimitAsError();
        // Redirected output (CI logs, `| tee`) gets 80 columns by default, which wraps the tables.
        if (!Spectre.Console.AnsiConsole.Profile.Capabilities.Interactive)
            Spectre.Console.AnsiConsole.Profile.Width = Math.Max(Spectre.Console.AnsiConsole.Profile.Width, 160);
        var root = new RootCommand("GuidedCam: a benchmark harness for CAM-style saliency methods (Fahim et al., Sensors 2022).")
        {
            RunCommand.Create(),
            ValidateCommand.Create(),
            ExplainCommand.Create(),
            ScoreCommand.Create(),
            ReportCommand.Create(),
            MergeCommand.Create(),
            BenchCommand.Create(),
            TrainSyntheticCommand.Create(),
        };
        return root.Parse(args).Invoke();
    }
}
