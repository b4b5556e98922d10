using GuidedCam.Harness.Config;

namespace GuidedCam.Tests.Harness.Config;

public class ConfigLoaderTests
{
    private const string Good = """
        name: t
        seed: 3
        batch-size: 8
        models:
          - arch: builtin
        datasets:
          - kind: synthetic
            count: 10
        methods: [gradcam, {id: guidedcam, guidance: abs}]
        metrics: [average-drop]
        """;

    [Fact]
    public void Parses_entries_with_options_and_lines()
    {
        var cfg = ConfigLoader.Parse(Good, "t.yaml");
        Assert.Equal(3, cfg.Seed);
        Assert.Equal(8, cfg.BatchSize);
        Assert.Equal("builtin", cfg.Models[0].Id);
        Assert.Equal("10", cfg.Datasets[0].Get("count"));
        Assert.Equal("guidedcam", cfg.Methods[1].Id);
        Assert.Equal("abs", cfg.Methods[1].Get("guidance"));
        Assert.Equal(9, cfg.Methods[0].Line); // the flow sequence is on line 9 of the text above
    }

    [Fact]
    public void Yaml_syntax_error_names_the_line()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("name: t\nmodels: [builtin\nseed: 1\n", "bad.yaml"));
        var line = Assert.Single(e.Errors);
        Assert.StartsWith("bad.yaml:", line);
        Assert.Contains("YAML syntax error", line);
    }

    [Fact]
    public void Wrong_type_and_unknown_key_are_listed_together_with_lines()
    {
        string text = Good.Replace("seed: 3", "seed: three").Replace("batch-size: 8", "batchsize: 8");
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(text, "t.yaml"));
        Assert.Contains(e.Errors, l => l.StartsWith("t.yaml:2:") && l.Contains("'seed' must be a whole number") && l.Contains("three"));
        Assert.Contains(e.Errors, l => l.StartsWith("t.yaml:3:") && l.Contains("unknown key 'batchsize'") && l.Contains("batch-size"));
    }

    [Fact]
    public void Unknown_method_and_option_are_errors_listing_what_is_allowed()
    {
        string text = Good.Replace("methods: [gradcam, {id: guidedcam, guidance: abs}]", "methods: [gradcamx, {id: guidedcam, guidance: sqrt}]");
        var cfg = ConfigLoader.Parse(text, "t.yaml");
        var e = Assert.Throws<ConfigException>(() => ConfigValidator.Validate(cfg, loadModels: false));
        Assert.Contains(e.Errors, l => l.StartsWith("t.yaml:9:") && l.Contains("unknown method 'gradcamx'") && l.Contains("gradcam"));
        Assert.Contains(e.Errors, l => l.Contains("'guidedcam.guidance' cannot be 'sqrt'") && l.Contains("relu, abs, none"));
    }

    [Fact]
    public void Missing_file_and_missing_lists_are_clear()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load("/nonexistent/dir/x.yaml"));
        Assert.Contains("/nonexistent/dir/x.yaml: file not found", e.Errors[0]);
        var e2 = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("name: t\n", "t.yaml"));
        Assert.Contains(e2.Errors, l => l.Contains("missing key 'models'"));
        Assert.Contains(e2.Errors, l => l.Contains("missing key 'metrics'"));
    }

    [Fact]
    public void Unknown_dataset_kind_and_model_arch_name_their_lines()
    {
        string text = Good.Replace("arch: builtin", "arch: resnet999").Replace("kind: synthetic", "kind: mnist");
        var cfg = ConfigLoader.Parse(text, "t.yaml");
        var e = Assert.Throws<ConfigException>(() => ConfigValidator.Validate(cfg));
        Assert.Contains(e.Errors, l => l.StartsWith("t.yaml:5:") && l.Contains("resnet999") && l.Contains("builtin"));
        Assert.Contains(e.Errors, l => l.StartsWith("t.yaml:7:") && l.Contains("mnist") && l.Contains("synthetic"));
    }
}
