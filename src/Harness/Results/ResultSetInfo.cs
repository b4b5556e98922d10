using GuidedCam.Harness.Running;

namespace GuidedCam.Harness.Results;

/// <summary>One result set of a journal: the results of one protocol fingerprint (and one shard of it).</summary>
public sealed record ResultSetInfo(
    long Id,
    string ConfigYaml,
    string ConfigHash,
    string ProtocolFingerprint,
    Shard? Shard,
    DateTimeOffset CreatedUtc,
    DateTimeOffset LastOpenedUtc);
