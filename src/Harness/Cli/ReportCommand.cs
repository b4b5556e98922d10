using System.CommandLine;
using GuidedCam.Harness.Results;

namespace GuidedCam.Harness.Cli;

/// <summary>`guidedcam report &lt;run&gt;`: rebuild every artifact of a run folder from its journal and saved maps alone.</summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "run folder (holds journal.sqlite)" };
        var cmd = new Command("report", "Rebuild items.csv, summary.csv, results.md, figures and report.html of a run folder from its journal alone.") { run };
        cmd.SetAction(r => CliErrors.Guard(() =>
        {
            string dir = r.GetValue(run)!;
            var files = ReportBuilder.Build(dir);
            SummaryConsoleTable.Print(dir);
            foreach (var f in files) Console.WriteLine(f);
            return 0;
        }));
        return cmd;
    }
}
