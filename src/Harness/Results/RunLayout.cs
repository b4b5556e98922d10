using GuidedCam.Core;
using System.Text;

namespace GuidedCam.Harness.Results;

/// <summary>
/// Where things live in a run folder (deploy/README.md "Run folder"):
/// <code>
/// &lt;run&gt;/journal.sqlite                                   results, skips, completion markers, config
/// &lt;run&gt;/maps/&lt;model&gt;/&lt;dataset&gt;/&lt;item&gt;/input.png        the image at network size
/// &lt;run&gt;/maps/&lt;model&gt;/&lt;dataset&gt;/&lt;item&gt;/&lt;method&gt;.npy     H×W float32 saliency map
/// &lt;run&gt;/{items.csv, summary.csv, results.md, report.html, figures/*.png, config.yaml, run.log}
/// </code>
/// Maps are filed per model and dataset because one run evaluates several models on the same items.
/// Every path component goes through <see cref="SafeName"/>, so ids with '/' or ':' stay one folder.
/// </summary>
public static class RunLayout
{
    public static string Journal(string runDir) => ResultJournal.PathIn(runDir);
    public static string MapsRoot(string runDir) => Path.Combine(runDir, "maps");
    public static string ItemMaps(string runDir, string model, string dataset, string itemId) =>
        Path.Combine(MapsRoot(runDir), SafeName(model), SafeName(dataset), SafeName(itemId));
    public static string InputImage(string runDir, string model, string dataset, string itemId) =>
        Path.Combine(ItemMaps(runDir, model, dataset, itemId), "input.png");
    public static string MapFile(string runDir, string model, string dataset, string itemId, string method, string methodOptions = "") =>
        Path.Combine(ItemMaps(runDir, model, dataset, itemId), MethodFileStem(method, methodOptions) + ".npy");
    /// <summary>Figures of the report; the report's other files (items.csv, summary.csv, results.md, report.html) sit at the top of the run folder, where a user looks first.</summary>
    public static string FiguresDir(string runDir) => Path.Combine(runDir, "figures");

    /// <summary>File stem of a method's map: its id, plus its options when it has any ("gradcam~layer=layer3").</summary>
    public static string MethodFileStem(string method, string methodOptions) =>
        SafeName(methodOptions.Length == 0 ? method : $"{method}~{methodOptions.Replace(';', ',')}");

    /// <summary>
    /// A file-system-safe name: letters, digits and ". _ - = , ~ +" kept, anything else becomes '_';
    /// when something was replaced, an FNV-1a suffix keeps two different ids apart.
    /// </summary>
    public static string SafeName(string id)
    {
        if (string.IsNullOrEmpty(id)) throw new ArgumentException("an empty id cannot name a folder");
        var sb = new StringBuilder(id.Length);
        bool changed = false;
        foreach (char c in id)
        {
            bool ok = char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '=' or ',' or '~' or '+';
            sb.Append(ok ? c : '_');
            changed |= !ok;
        }
        string s = sb.ToString();
        if (s is "." or "..") { s = s.Replace('.', '_'); changed = true; }
        return changed ? $"{s}-{Fnv1a.Hash(id) & 0xFFFFFFFF:x8}" : s;
    }
}
