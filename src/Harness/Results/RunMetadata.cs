using GuidedCam.Harness.Datasets;

namespace GuidedCam.Harness.Results;

/// <summary>
/// What a result set was computed from. <see cref="ConfigHash"/> identifies the config text (shards of
/// one experiment must share it); <see cref="ProtocolFingerprint"/> identifies everything that changes
/// a number (models, datasets, preprocessing, methods and metrics with resolved options). Results of
/// two fingerprints are never mixed: each fingerprint gets its own result set in the journal.
/// </summary>
public sealed record RunMetadata(string ConfigYaml, string ConfigHash, string ProtocolFingerprint, Shard? Shard)
{
    /// <summary>SHA-256 (lower-case hex) of a text as UTF-8: the helper for <see cref="ConfigHash"/> and fingerprints.</summary>
    public static string Sha256(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
}
