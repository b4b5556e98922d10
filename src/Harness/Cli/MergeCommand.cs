using System.CommandLine;
using GuidedCam.Harness.Results;
using GuidedCam.Harness.Results.Exporters;

namespace GuidedCam.Harness.Cli;

/// <summary>`guidedcam merge &lt;shard-dir&gt;… --out DIR`: one run folder from the shards of one config.</summary>
public static class MergeCommand
{
    public static Command Create()
    {
        var shards = new Argument<string[]>("shards") { Description = "the run folders of the shards (`guidedcam run … --shard i/N --out DIR`)", Arity = ArgumentArity.OneOrMore };
        var outDir = new Option<string>("--out") { Description = "folder of the merged run", Required = true };
        var allowMissing = new Option<bool>("--allow-missing") { Description = "merge even when some shards are absent (the output is marked partial)" };
        var allowPartial = new Option<bool>("--allow-partial") { Description = "merge shards whose items are not all done (a killed shard); the output is marked partial" };
        var cmd = new Command("merge", "Merge shard run folders of one config into one run folder and build its report; refuses shards of different configs, unfinished shards and cells that disagree.") { shards, outDir, allowMissing, allowPartial };
        cmd.SetAction(r => CliErrors.Guard(() =>
        {
            var report = ShardMerger.Merge(r.GetValue(shards)!, r.GetValue(outDir)!, r.GetValue(allowMissing), r.GetValue(allowPartial));
            Console.WriteLine($"merged shards {string.Join(", ", report.MergedShards)} of {report.ShardCount}: {report.Records} values, {report.Units} units, {report.SkippedItems} skipped items" +
                (report.MissingShards.Count > 0 ? $"; MISSING shards {string.Join(", ", report.MissingShards)}" : ""));
            if (report.Partial is { } partial) Console.WriteLine($"PARTIAL merge: {partial}");
            ReportBuilder.Build(report.OutDir, out var results);
            SummaryConsoleTable.Print(results);
            return 0;
        }));
        return cmd;
    }
}
