using System.CommandLine;
using GuidedCam.Harness.Config;
using GuidedCam.Harness.Datasets;
using GuidedCam.Harness.Running;

namespace GuidedCam.Harness.Cli;

/// <summary>
/// What `run` and `validate` take alike: the config file, the run folder (`--out`, default
/// &lt;output&gt;/&lt;name&gt; from the config) and the shard (`--shard i/N`), and what they resolve to.
/// Each verb words the help for what it does with them.
/// </summary>
public sealed class ExperimentArguments(string configHelp, string outHelp, string shardHelp)
{
    private readonly Argument<string> _config = new("config") { Description = configHelp };
    private readonly Option<string?> _out = new("--out") { Description = outHelp };
    private readonly Option<string?> _shard = new("--shard") { Description = shardHelp };

    /// <summary>The command with these arguments added.</summary>
    public Command AddTo(Command command)
    {
        command.Arguments.Add(_config);
        command.Options.Add(_out);
        command.Options.Add(_shard);
        return command;
    }

    /// <summary>The config loaded (errors name their line), the run folder and the shard of a parsed command line.</summary>
    public (ExperimentConfig Config, string RunDir, Shard Shard) Resolve(ParseResult parsed)
    {
        var cfg = ConfigLoader.Load(parsed.GetValue(_config)!);
        return (cfg, parsed.GetValue(_out) ?? Experiment.DefaultRunDir(cfg), parsed.GetValue(_shard) is { } s ? Shard.Parse(s) : Shard.All);
    }
}
