using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace GuidedCam.Harness.Datasets;

/// <summary>
/// Reader of PASCAL-VOC-style annotation XML, shared by VOC and the ILSVRC box files. Coordinates are
/// returned as written; each loader converts its own convention to <see cref="GuidedCam.Core.Box"/>.
/// </summary>
internal static class PascalVocXml
{
    public sealed record XmlObject(string Name, double XMin, double YMin, double XMax, double YMax, bool Difficult, bool Truncated);

    public sealed record XmlAnnotation(int? Width, int? Height, IReadOnlyList<XmlObject> Objects, int ObjectElements);

    /// <summary>
    /// Parses one file; every problem (with the path and the object's position) goes to <paramref name="problems"/>.
    /// Null when the file cannot be read at all; otherwise the objects that parsed, so callers can report
    /// their own problems (unknown classes) for the rest of the file too.
    /// </summary>
    public static XmlAnnotation? Read(string path, List<string> problems)
    {
        XDocument doc;
        try
        {
            // Annotation files come from outside: no DTD, so no entity expansion ("billion laughs") and no external entities.
            using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            doc = XDocument.Load(reader);
        }
        catch (Exception e) when (e is XmlException or IOException or UnauthorizedAccessException)
        {
            problems.Add($"{path}: unreadable annotation XML: {e.Message}");
            return null;
        }
        XElement? root = doc.Root;
        if (root is null || root.Name.LocalName != "annotation")
        {
            problems.Add($"{path}: root element is <{root?.Name.LocalName}>, expected <annotation>");
            return null;
        }
        int? width = ReadInt(root.Element("size")?.Element("width"));
        int? height = ReadInt(root.Element("size")?.Element("height"));
        var objects = new List<XmlObject>();
        int k = 0;
        foreach (XElement o in root.Elements("object"))
        {
            k++;
            string where = $"{path}: <object> #{k}";
            string? name = o.Element("name")?.Value.Trim();
            if (string.IsNullOrEmpty(name)) { problems.Add($"{where}: missing <name>"); continue; }
            XElement? b = o.Element("bndbox");
            if (b is null) { problems.Add($"{where} ({name}): missing <bndbox>"); continue; }
            double? x1 = Coord(b, "xmin", where, problems), y1 = Coord(b, "ymin", where, problems);
            double? x2 = Coord(b, "xmax", where, problems), y2 = Coord(b, "ymax", where, problems);
            if (x1 is null || y1 is null || x2 is null || y2 is null) continue;
            if (x2 < x1 || y2 < y1) { problems.Add($"{where} ({name}): xmax < xmin or ymax < ymin ({x1},{y1},{x2},{y2})"); continue; }
            objects.Add(new XmlObject(name, x1.Value, y1.Value, x2.Value, y2.Value,
                Flag(o.Element("difficult"), where, "difficult", problems), Flag(o.Element("truncated"), where, "truncated", problems)));
        }
        return new XmlAnnotation(width, height, objects, k);
    }

    private static int? ReadInt(XElement? e) =>
        e is not null && int.TryParse(e.Value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : null;

    private static double? Coord(XElement box, string name, string where, List<string> problems)
    {
        string? text = box.Element(name)?.Value.Trim();
        // VOC2012 has a handful of boxes written with decimals (e.g. "273.5"); they are read as doubles.
        if (text is not null && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)) return v;
        problems.Add($"{where}: <bndbox><{name}> is {(text is null ? "missing" : $"'{text}'")}, expected a number");
        return null;
    }

    private static bool Flag(XElement? e, string where, string name, List<string> problems)
    {
        if (e is null) return false; // both flags are optional in the VOC format (absent = 0)
        string t = e.Value.Trim();
        if (t is "0" or "") return false;
        if (t == "1") return true;
        problems.Add($"{where}: <{name}> is '{t}', expected 0 or 1");
        return false;
    }
}
