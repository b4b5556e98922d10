using System.Diagnostics;
using System.Text;
using GuidedCam.Harness.Config;
using GuidedCam.Harness.Models;
using GuidedCam.Harness.Results;
using GuidedCam.Harness.Running;
using Microsoft.Data.Sqlite;
using SixLabors.ImageSharp.PixelFormats;
using Xunit.Abstractions;
using ImageSharpImage = SixLabors.ImageSharp.Image;
using GuidedCam.Harness.Datasets;
using GuidedCam.Harness.Results.Exporters;

namespace GuidedCam.Tests.Acceptance;

/// <summary>
/// The experiment engine end to end: it survives a process kill and resumes to the same
/// results, shards merge to the unsharded run, runs are reproducible byte for byte, `report` rebuilds
/// every artifact from the journal alone, `validate` checks configs, and a protocol change never mixes
/// with old results. Everything runs on the built-in model and the synthetic dataset; the `guidedcam`
/// CLI is started as a child process (guidedcam.dll is copied next to the test assembly).
/// </summary>
public sealed class EngineAcceptanceTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "guidedcam-acceptance", Guid.NewGuid().ToString("N"));

    private readonly ITestOutputHelper _output;

    public EngineAcceptanceTests(ITestOutputHelper output)
    {
        _output = output;
        Directory.CreateDirectory(_root);
    }

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("GUIDEDCAM_KEEP_TEST_RUNS") == "1") return;
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
        string parent = Path.GetDirectoryName(_root)!;
        if (Directory.Exists(parent) && !Directory.EnumerateFileSystemEntries(parent).Any()) Directory.Delete(parent);
    }

    /// <summary>
    /// 32 items in batches of 8 = 4 batches of ≈1–2 s each (deletion/insertion at step 256 on 64×64
    /// inputs = 17 forwards per curve, measured ≈9 s for the whole run on the 2-core machine): slow
    /// enough to be killed after two batches, fast enough for the test budget.
    /// </summary>
    private const string KillConfig = """
        name: kill
        seed: 0
        threads: 2
        batch-size: 8
        qualitative: 2
        models: [{arch: builtin}]
        datasets: [{kind: synthetic, count: 32, split: test}]
        methods: [gradcam, guidedcam, random]
        metrics:
          - {id: deletion, step: 256}
          - {id: insertion, step: 256}
          - {id: pointing-game, tolerance: 4}
        """;

    /// <summary>A small run for the in-process tests (24 items, 3 batches).</summary>
    private static string SmallConfig(int tolerance = 4, int qualitative = 2) => $$"""
        name: small
        seed: 0
        threads: 2
        batch-size: 8
        qualitative: {{qualitative}}
        models: [{arch: builtin}]
        datasets: [{kind: synthetic, count: 24, split: test}]
        methods: [gradcam, guidedcam, random]
        metrics:
          - {id: deletion, step: 256}
          - {id: pointing-game, tolerance: {{tolerance}}}
        """;

    [Fact]
    public void Killed_run_resumes_to_the_same_results_as_an_uninterrupted_run()
    {
        string config = WriteConfig("kill.yaml", KillConfig);
        string killed = Path.Combine(_root, "killed");
        string clean = Path.Combine(_root, "clean");
        const int items = 32, batch = 8;

        // Start a real `guidedcam run` and kill the process tree (no clean cancel) once two batches are committed.
        using (var child = GuidedCamProcess.Start(new[] { "run", config, "--out", killed }))
        {
            var sw = Stopwatch.StartNew();
            long units = 0;
            while (!child.Process.HasExited && sw.Elapsed < TimeSpan.FromSeconds(60))
            {
                units = JournalProbe.CommittedUnits(killed);
                if (units >= 2 * batch) break;
                Thread.Sleep(20);
            }
            Assert.False(child.Process.HasExited,
                $"the run ended (exit {(child.Process.HasExited ? child.Process.ExitCode : 0)}) before it could be killed after 2 batches ({units} units committed); " +
                $"make KillConfig bigger so the kill lands mid-run.\n{child.Output}");
            Assert.True(units >= 2 * batch, $"no 2 batches committed within 60 s ({units} units)\n{child.Output}");
            child.Kill9();
        }
        long afterKill = JournalProbe.CommittedUnits(killed);
        _output.WriteLine($"killed with {afterKill} of {items} units committed");
        // Batches commit atomically: a kill leaves whole batches, and this one must have stopped mid-run.
        Assert.True(afterKill < items, $"all {items} units were committed before the kill took effect: the test would pass vacuously; make KillConfig bigger");
        Assert.Equal(0, afterKill % batch);

        // Re-run the same command to completion: it must resume, not recompute.
        var resumed = GuidedCamProcess.Run("run", config, "--out", killed);
        Assert.True(resumed.Exit == 0, resumed.Text);
        Assert.Contains($"{items - afterKill} items computed, {afterKill} resumed from the journal", resumed.Stdout);

        var uninterrupted = GuidedCamProcess.Run("run", config, "--out", clean);
        Assert.True(uninterrupted.Exit == 0, uninterrupted.Text);

        AssertNoDuplicates(killed);
        AssertNoDuplicates(clean);
        // Batches have fixed boundaries in the ordered item list, so the resumed run computed every value
        // on exactly the same batch as the uninterrupted one: equality is exact, not approximate.
        AssertSameResults(JournalProbe.LatestView(clean), JournalProbe.LatestView(killed), tolerance: 0);
        // 32 items × 3 methods × 3 metrics, one ground-truth class per synthetic image (pointing game).
        Assert.Equal(items * 3 * 3, JournalProbe.LatestView(killed).Count);
    }

    [Fact]
    public void Two_shards_merged_equal_the_unsharded_run()
    {
        TestSetup.Torch();
        var cfg = Load("small.yaml", SmallConfig());
        string whole = Path.Combine(_root, "whole");
        string s0 = Path.Combine(_root, "shard0");
        string s1 = Path.Combine(_root, "shard1");
        string merged = Path.Combine(_root, "merged");
        new Experiment { Config = cfg, RunDir = whole }.Execute();
        new Experiment { Config = cfg, RunDir = s0, Shard = Shard.Parse("0/2") }.Execute();
        new Experiment { Config = cfg, RunDir = s1, Shard = Shard.Parse("1/2") }.Execute();
        var merge = GuidedCamProcess.Run("merge", s0, s1, "--out", merged);
        Assert.True(merge.Exit == 0, merge.Text);
        Assert.Contains("merged shards 0, 1 of 2", merge.Stdout);

        var a = JournalProbe.LatestView(s0);
        var b = JournalProbe.LatestView(s1);
        Assert.NotEmpty(a);
        Assert.NotEmpty(b);
        Assert.Empty(a.Select(r => r.ItemId).Intersect(b.Select(r => r.ItemId)));
        AssertNoDuplicates(merged);
        // A shard's batches hold other items than the unsharded run's batches (each shard keeps the ids
        // whose hash falls to it), so a batched kernel could in principle round differently. Measured on
        // this machine: the merged values are bit-identical to the unsharded run's (the built-in CNN's
        // CPU kernels compute each sample on its own), so equality is asserted exactly; a 1e-5 slack
        // would only be needed on a backend whose kernels mix samples within a batch.
        AssertSameResults(JournalProbe.LatestView(whole), JournalProbe.LatestView(merged), tolerance: 0);

        // Hence the merged report's tables are those of the unsharded run, byte for byte, and the saved
        // maps of the qualitative items (chosen from the whole ordered list, whichever shard owns them) are the same files.
        ReportBuilder.Build(whole);
        foreach (string csv in new[] { "summary.csv", "items.csv" })
            Assert.True(File.ReadAllBytes(Path.Combine(whole, csv)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(merged, csv))), $"merged {csv} differs from the unsharded run's");
        Assert.Equal(MapFiles(whole), MapFiles(merged));
        Assert.Equal(2 * 4, MapFiles(whole).Count); // qualitative: 2 items × (input.png + 3 method maps)
        foreach (string f in MapFiles(whole))
            Assert.True(File.ReadAllBytes(Path.Combine(whole, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(merged, f))), $"merged {f} differs");

        // The merged folder is a finished unsharded run of the same protocol: running the config into it resumes everything.
        var rerun = new Experiment { Config = cfg, RunDir = merged }.Execute();
        Assert.Equal((0, 24), (rerun.ItemsComputed, rerun.ItemsResumed));
    }

    private static List<string> MapFiles(string runDir) =>
        Directory.EnumerateFiles(RunLayout.MapsRoot(runDir), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(runDir, f)).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void Same_config_and_seed_give_byte_identical_CSV()
    {
        TestSetup.Torch();
        var cfg = Load("small.yaml", SmallConfig(qualitative: 0));
        string first = Path.Combine(_root, "first");
        string second = Path.Combine(_root, "second");
        foreach (string dir in new[] { first, second })
        {
            new Experiment { Config = cfg, RunDir = dir }.Execute();
            ReportBuilder.Build(dir);
        }
        foreach (string csv in new[] { "summary.csv", "items.csv" })
        {
            byte[] x = File.ReadAllBytes(Path.Combine(first, csv));
            byte[] y = File.ReadAllBytes(Path.Combine(second, csv));
            Assert.True(x.Length > 100, $"{csv} is nearly empty ({x.Length} bytes)");
            Assert.True(x.AsSpan().SequenceEqual(y), $"{csv} differs between two runs of the same config and seed");
        }
    }

    [Fact]
    public void Report_rebuilds_every_artifact_from_the_journal_alone()
    {
        TestSetup.Torch();
        string config = WriteConfig("small.yaml", SmallConfig());
        string run = Path.Combine(_root, "run");
        new Experiment { Config = ConfigLoader.Load(config), RunDir = run }.Execute();
        var built = ReportBuilder.Build(run).Select(f => Path.GetRelativePath(run, f)).Order(StringComparer.Ordinal).ToList();
        // Every artifact of a report: tables, markdown, html, a bar chart per metric, the deletion curve and the grid.
        foreach (string f in new[] { "items.csv", "summary.csv", "results.md", "report.html" }) Assert.Contains(f, built);
        Assert.Contains(built, f => f.StartsWith("figures/grid_", StringComparison.Ordinal));
        Assert.Contains(built, f => f.StartsWith("figures/curve_", StringComparison.Ordinal));
        Assert.Equal(2, built.Count(f => f.StartsWith("figures/bars_", StringComparison.Ordinal)));

        foreach (string f in built) File.Delete(Path.Combine(run, f));
        var rebuilt = GuidedCamProcess.Run("report", run);
        Assert.True(rebuilt.Exit == 0, rebuilt.Text);
        foreach (string f in built)
        {
            string path = Path.Combine(run, f);
            Assert.True(File.Exists(path), $"`guidedcam report` did not rebuild {f}");
            Assert.True(new FileInfo(path).Length > 0, $"{f} is empty");
            if (f.EndsWith(".png", StringComparison.Ordinal))
            {
                using var img = ImageSharpImage.Load<Rgba32>(path);
                Assert.True(img.Width > 100 && img.Height > 100, $"{f} is {img.Width}×{img.Height}");
            }
        }
        Assert.Equal(JournalProbe.LatestView(run).Count, File.ReadLines(Path.Combine(run, "items.csv")).Count() - 1);

        // The grid comes from the saved maps: without the maps folder there is no grid, with it back there is.
        string grid = built.Single(f => f.StartsWith("figures/grid_", StringComparison.Ordinal));
        string maps = RunLayout.MapsRoot(run);
        Directory.Move(maps, maps + ".away");
        Assert.DoesNotContain(ReportBuilder.Build(run), f => f.EndsWith(grid, StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(run, grid)));
        Directory.Move(maps + ".away", maps);
        Assert.Contains(ReportBuilder.Build(run), f => f.EndsWith(grid, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_prints_the_plan_or_the_line_of_an_unknown_metric()
    {
        var ok = GuidedCamProcess.Run("validate", Path.Combine(SharedPaths.RepoRoot, "configs", "quickstart.yaml"));
        Assert.True(ok.Exit == 0, ok.Text);
        // configs/quickstart.yaml: 200 synthetic items, 14 methods, 8 metrics.
        Assert.Contains("quickstart", ok.Stdout);
        Assert.Contains("200", ok.Stdout);
        Assert.Contains("14 methods, 8 metrics", ok.Stdout);
        Assert.Contains("estimated image forwards", ok.Stdout); // ValidateCommand.PrintPlan: total forwards from the per-item estimate

        // The unknown metric is on line 9 of this file (1-based).
        string bad = WriteConfig("bad.yaml", """
            name: bad
            seed: 0
            models: [{arch: builtin}]
            datasets: [{kind: synthetic, count: 8}]
            methods: [gradcam]
            metrics:
              - {id: deletion, step: 256}
              - pointing-game
              - insertion-of-doom
            """);
        var err = GuidedCamProcess.Run("validate", bad);
        Assert.True(err.Exit == 2, $"exit {err.Exit}\n{err.Text}");
        Assert.Contains("bad.yaml:9", err.Stderr);
        Assert.Contains("insertion-of-doom", err.Stderr);
    }

    [Fact]
    public void Changing_one_metric_option_computes_only_that_metric_and_keeps_the_old_cells()
    {
        TestSetup.Torch();
        string run = Path.Combine(_root, "run");
        var first = new Experiment { Config = Load("tol4.yaml", SmallConfig(tolerance: 4, qualitative: 0)), RunDir = run }.Execute();
        Assert.Equal(24 * 3 * 2, first.Records); // 24 items × 3 methods × (deletion + pointing game), one class per synthetic image
        var old = JournalProbe.LatestView(run);
        var second = new Experiment { Config = Load("tol1.yaml", SmallConfig(tolerance: 1, qualitative: 0)), RunDir = run }.Execute();
        // Only the pointing game at tolerance 1 is new: 24 items × 3 methods cells, no map recomputed.
        Assert.Equal(24 * 3, second.Records);
        Assert.Equal(0, second.MapsComputed);

        // The report shows the latest config: tolerance 1, and deletion read from the journal.
        var current = JournalProbe.LatestView(run);
        Assert.Equal(24 * 3 * 2, current.Count);
        Assert.All(current.Where(r => r.Metric == "pointing-game"), r => Assert.Contains("tolerance=1", r.MetricOptions));
        Assert.DoesNotContain(current, r => r.MetricOptions.Contains("tolerance=4", StringComparison.Ordinal));
        // Deletion cells are the first run's, untouched.
        AssertSameResults(old.Where(r => r.Metric == "deletion").ToList(), current.Where(r => r.Metric == "deletion").ToList(), tolerance: 0);
        AssertNoDuplicates(run);
        ReportBuilder.Build(run);
        string summary = File.ReadAllText(Path.Combine(run, "summary.csv"));
        Assert.Contains("tolerance=1", summary);
        Assert.DoesNotContain("tolerance=4", summary);
        // The tolerance-4 cells are still listed.
        var list = GuidedCamProcess.Run("report", run, "--list");
        Assert.True(list.Exit == 0, list.Text);
        Assert.Contains("tolerance=4", list.Stdout);
        Assert.Contains("tolerance=1", list.Stdout);

        // Going back to the first config computes nothing.
        var back = new Experiment { Config = Load("tol4.yaml", SmallConfig(tolerance: 4, qualitative: 0)), RunDir = run }.Execute();
        Assert.Equal((0, 24, 0), (back.ItemsComputed, back.ItemsResumed, back.Records));
        AssertSameResults(old, JournalProbe.LatestView(run), tolerance: 0);
    }

    /// <summary>
    /// Four methods with both map kinds (raw low-resolution maps: gradcam, random; final maps: fullgrad,
    /// center) and metrics with and without forwards; 16 items in two batches.
    /// </summary>
    private static string IncrementalConfig(string methods = "gradcam, random, fullgrad, center", string extraMetric = "") => $$"""
        name: incremental
        seed: 0
        threads: 2
        batch-size: 8
        qualitative: 2
        models: [{arch: builtin}]
        datasets: [{kind: synthetic, count: 16, split: test}]
        methods: [{{methods}}]
        metrics:
          - {id: deletion, step: 256}
          - {id: pointing-game, tolerance: 4}
          - average-drop
        {{extraMetric}}
        """;

    [Fact]
    public void Adding_a_metric_computes_no_map_no_forward_and_keeps_every_earlier_value()
    {
        TestSetup.Torch();
        string run = Path.Combine(_root, "run");
        var first = new Experiment { Config = Load("a.yaml", IncrementalConfig()), RunDir = run }.Execute();
        Assert.True(first.MapsComputed >= 16 * 4, $"{first.MapsComputed} maps"); // 16 items × 4 methods, plus ground-truth maps where the top-1 is another class
        ReportBuilder.Build(run);
        var summaryBefore = File.ReadAllLines(Path.Combine(run, "summary.csv"));
        var itemsBefore = File.ReadAllLines(Path.Combine(run, "items.csv"));

        var withSparsity = Load("b.yaml", IncrementalConfig(extraMetric: "  - sparsity"));
        using (var journal = ResultJournal.Open(ResultJournal.PathIn(run), create: false))
        using (var plan = RunPlan.Build(withSparsity, new JournalSink(journal, run)))
        {
            var counts = Assert.Single(plan.Stages).Counts;
            Assert.Equal(0, counts.MapsToCompute);
            Assert.Equal(16 * 4, counts.CellsToCompute); // one sparsity cell per item and method
            Assert.Equal(0, counts.Forwards);
            Assert.False(counts.CellsAtLeast); // units are stored: counted exactly
        }
        var second = new Experiment { Config = withSparsity, RunDir = run }.Execute();
        Assert.Equal(0, second.MapsComputed);
        Assert.Equal(0, second.ImagesForwarded); // maps come from the store, clean logits from the units
        Assert.Equal(16 * 4, second.Records);
        string log = File.ReadAllText(Path.Combine(run, "run.log"));
        Assert.Contains("total: 64 cells to compute, 0 maps to compute", log);
        Assert.Contains("0 maps computed", log);

        ReportBuilder.Build(run);
        var summaryAfter = File.ReadAllLines(Path.Combine(run, "summary.csv"));
        var itemsAfter = File.ReadAllLines(Path.Combine(run, "items.csv"));
        // Every earlier line is still there byte for byte; the new ones are sparsity's.
        Assert.Empty(summaryBefore.Except(summaryAfter));
        Assert.All(summaryAfter.Except(summaryBefore), l => Assert.Contains(",sparsity,", l));
        Assert.Equal(4, summaryAfter.Length - summaryBefore.Length);
        Assert.Empty(itemsBefore.Except(itemsAfter));

        // Identical cells agree: sparsity read from stored maps equals sparsity computed from fresh maps.
        string fresh = Path.Combine(_root, "fresh");
        new Experiment { Config = withSparsity, RunDir = fresh }.Execute();
        AssertSameResults(JournalProbe.LatestView(fresh), JournalProbe.LatestView(run), tolerance: 0);
    }

    [Fact]
    public void Adding_a_method_computes_only_its_maps_and_cells_and_removing_one_computes_nothing()
    {
        TestSetup.Torch();
        string run = Path.Combine(_root, "run");
        new Experiment { Config = Load("two.yaml", IncrementalConfig(methods: "gradcam, center")), RunDir = run }.Execute();
        var before = JournalProbe.LatestView(run);

        var added = new Experiment { Config = Load("three.yaml", IncrementalConfig(methods: "gradcam, center, random")), RunDir = run }.Execute();
        Assert.Equal(16, added.MapsComputed); // random's maps only
        Assert.Equal(16 * 3, added.Records); // random × 3 metrics
        var after = JournalProbe.LatestView(run);
        AssertSameResults(before, after.Where(r => r.Method != "random").ToList(), tolerance: 0);
        Assert.Equal(16 * 3, after.Count(r => r.Method == "random"));

        var removed = new Experiment { Config = Load("one.yaml", IncrementalConfig(methods: "gradcam")), RunDir = run }.Execute();
        Assert.Equal((0, 0, 0), (removed.Records, removed.MapsComputed, removed.ItemsComputed));
        ReportBuilder.Build(run);
        var shown = JournalProbe.LatestView(run);
        Assert.Equal(16 * 3, shown.Count);
        Assert.All(shown, r => Assert.Equal("gradcam", r.Method));
        Assert.DoesNotContain("center", File.ReadAllText(Path.Combine(run, "summary.csv")));

        // Another view of the same journal, written beside the run's own report.
        var view = GuidedCamProcess.Run("report", run, "--config", Path.Combine(_root, "three.yaml"));
        Assert.True(view.Exit == 0, view.Text);
        string other = File.ReadAllText(Path.Combine(run, "views", "incremental", "summary.csv"));
        Assert.Contains(",random,", other);
        Assert.Contains(",center,", other);
    }

    [Fact]
    public void Validate_on_a_finished_run_folder_plans_nothing_and_loads_the_model_once()
    {
        TestSetup.Torch();
        string config = WriteConfig("inc.yaml", IncrementalConfig(methods: "gradcam, center"));
        string run = Path.Combine(_root, "run");
        int loads = 0;
        ModelLoader.Builtins["counted-builtin"] = (spec, device) =>
        {
            Interlocked.Increment(ref loads);
            return ModelLoader.Builtins[BuiltinModel.Arch](spec, device);
        };
        try
        {
            var counted = Load("counted.yaml", IncrementalConfig(methods: "gradcam, center").Replace("arch: builtin", "arch: counted-builtin"));
            new Experiment { Config = counted, RunDir = run }.Execute();
            Assert.Equal(1, loads); // validation and the run share the plan's model
            using var journal = ResultJournal.Open(ResultJournal.PathIn(run), create: false);
            using var plan = RunPlan.Build(counted, new JournalSink(journal, run));
            Assert.Equal(2, loads);
            Assert.Equal((0L, 0L, 0L), (plan.CellsToCompute, plan.MapsToCompute, plan.Stages[0].Counts.Forwards));
        }
        finally
        {
            ModelLoader.Builtins.Remove("counted-builtin");
        }
        new Experiment { Config = ConfigLoader.Load(config), RunDir = run }.Execute();
        var validate = GuidedCamProcess.Run("validate", config, "--out", run);
        Assert.True(validate.Exit == 0, validate.Text);
        Assert.Contains("total: 0 cells to compute, 0 maps to compute", validate.Stdout);
    }

    [Fact]
    public void A_journal_of_the_earlier_format_is_named_in_one_line_and_left_alone()
    {
        string run = Path.Combine(_root, "old");
        Directory.CreateDirectory(run);
        string path = ResultJournal.PathIn(run);
        using (var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "CREATE TABLE schema_info(version INTEGER NOT NULL); INSERT INTO schema_info VALUES (1); CREATE TABLE result_sets(id INTEGER PRIMARY KEY);";
            cmd.ExecuteNonQuery();
        }
        byte[] before = File.ReadAllBytes(path);
        string config = WriteConfig("tiny.yaml", IncrementalConfig(methods: "center"));
        foreach (var args in new[] { new[] { "run", config, "--out", run }, new[] { "report", run }, new[] { "validate", config, "--out", run } })
        {
            var r = GuidedCamProcess.Run(args);
            Assert.True(r.Exit == 2, r.Text);
            Assert.Contains("earlier result-set format", r.Stderr);
            Assert.Single(r.Stderr.Trim().Split('\n'));
            Assert.DoesNotContain("   at ", r.Stderr + r.Stdout);
        }
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.False(File.Exists(Path.Combine(run, "config.yaml")));
    }

    [Fact]
    public void Running_a_shard_into_an_unsharded_folder_is_a_clear_error_not_a_crash()
    {
        TestSetup.Torch();
        string config = WriteConfig("tiny.yaml", """
            name: tiny
            batch-size: 8
            qualitative: 0
            models: [{arch: builtin}]
            datasets: [{kind: synthetic, count: 8, split: test}]
            methods: [gradcam]
            metrics: [{id: pointing-game, tolerance: 4}]
            """);
        string run = Path.Combine(_root, "run");
        new Experiment { Config = ConfigLoader.Load(config), RunDir = run }.Execute();
        // Wrong --out for a shard is a user error: exit 2 with the folder and the remedy, no stack trace (CliErrors).
        var r = GuidedCamProcess.Run("run", config, "--out", run, "--shard", "0/2");
        Assert.True(r.Exit == 2, r.Text);
        Assert.Contains("use another --out folder per shard", r.Stderr);
        Assert.DoesNotContain("Unhandled exception", r.Stderr + r.Stdout);
        Assert.Equal(8, JournalProbe.LatestView(run).Count); // the unsharded results are untouched
    }

    // ---- helpers ----

    private string WriteConfig(string name, string yaml)
    {
        string path = Path.Combine(_root, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    private ExperimentConfig Load(string name, string yaml) => ConfigLoader.Load(WriteConfig(name, yaml));

    /// <summary>Counts rows per record key and per unit key over the whole journal: none may appear twice.</summary>
    private static void AssertNoDuplicates(string runDir)
    {
        using var db = JournalProbe.OpenReadOnly(ResultJournal.PathIn(runDir));
        foreach (var (table, key) in new[]
        {
            ("cells", "model_key, dataset_key, item_id, target, method_key, metric_key"),
            ("marks", "model_key, dataset_key, item_id, method_key, metric_key"),
            ("maps", "model_key, dataset_key, item_id, target, method_key"),
        })
        {
            using var cmd = db.CreateCommand();
            cmd.CommandText = $"SELECT COUNT(*) FROM (SELECT 1 FROM {table} GROUP BY {key} HAVING COUNT(*) > 1);";
            Assert.True((long)cmd.ExecuteScalar()! == 0, $"{runDir}: duplicate rows in {table}");
        }
    }

    private static (string, string, string, long, string, string, string, string) Key(ResultRecord r) =>
        (r.Model, r.Dataset, r.ItemId, r.Target, r.Method, r.MethodOptions, r.Metric, r.MetricOptions);

    /// <summary>Same keys; values and curve points equal (exactly when <paramref name="tolerance"/> is 0; NaN equals NaN).</summary>
    private static void AssertSameResults(IReadOnlyList<ResultRecord> expected, IReadOnlyList<ResultRecord> actual, double tolerance)
    {
        Assert.NotEmpty(expected);
        var want = expected.ToDictionary(Key);
        var got = actual.ToDictionary(Key);
        Assert.Equal(want.Keys.Order().ToList(), got.Keys.Order().ToList());
        foreach (var (key, w) in want)
        {
            var g = got[key];
            Assert.True(Close(w.Value, g.Value, tolerance), $"{key}: value {g.Value:R}, expected {w.Value:R}");
            Assert.Equal(w.DatasetClass, g.DatasetClass);
            Assert.Equal(w.Flagged, g.Flagged);
            Assert.Equal(w.Curve is null, g.Curve is null);
            if (w.Curve is null) continue;
            Assert.Equal(w.Curve.Length, g.Curve!.Length);
            for (int i = 0; i < w.Curve.Length; i++)
                Assert.True(Close(w.Curve[i], g.Curve[i], tolerance), $"{key}: curve point {i} {g.Curve[i]:R}, expected {w.Curve[i]:R}");
        }
    }

    private static bool Close(double a, double b, double tolerance) =>
        tolerance == 0 ? a.Equals(b) : (double.IsNaN(a) && double.IsNaN(b)) || Math.Abs(a - b) <= tolerance;
}
