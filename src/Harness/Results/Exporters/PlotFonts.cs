namespace GuidedCam.Harness.Results.Exporters;

/// <summary>
/// Makes figure text render. ScottPlot 5 draws through SkiaSharp's "NoDependencies" Linux build,
/// which does not ask fontconfig for system fonts: with no font registered, plots come out with no
/// text at all. So we register TrueType files by path: $GUIDEDCAM_FONT if set, else DejaVu Sans from
/// the Debian package fonts-dejavu-core (installed by the project's setup), else another common sans
/// font, else any .ttf under /usr/share/fonts. No font at all is an error that names the package.
/// </summary>
public static class PlotFonts
{
    /// <summary>The family name figures use (the name we register the file under).</summary>
    public const string Family = "GuidedCam Sans";

    private static readonly (string Regular, string Bold)[] Candidates =
    {
        ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
        ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
        ("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"),
        ("/usr/share/fonts/truetype/freefont/FreeSans.ttf", "/usr/share/fonts/truetype/freefont/FreeSansBold.ttf"),
        ("/Library/Fonts/Arial.ttf", "/Library/Fonts/Arial Bold.ttf"),
        (@"C:\Windows\Fonts\arial.ttf", @"C:\Windows\Fonts\arialbd.ttf"),
    };

    private static readonly object Gate = new();
    private static string? _regularFile;

    /// <summary>The font file in use (after <see cref="Ensure"/>).</summary>
    public static string? RegularFile => _regularFile;

    /// <summary>Registers the font once per process and makes it ScottPlot's default; call before creating plots.</summary>
    public static void Ensure()
    {
        lock (Gate)
        {
            if (_regularFile is not null) return;
            var (regular, bold) = Find();
            ScottPlot.Fonts.AddFontFile(Family, regular, bold: false, italic: false);
            ScottPlot.Fonts.AddFontFile(Family, bold ?? regular, bold: true, italic: false);
            ScottPlot.Fonts.Default = Family;
            ScottPlot.Fonts.Sans = Family;
            _regularFile = regular;
        }
    }

    private static (string Regular, string? Bold) Find()
    {
        if (Environment.GetEnvironmentVariable("GUIDEDCAM_FONT") is { Length: > 0 } env)
        {
            if (!File.Exists(env)) throw new FileNotFoundException($"GUIDEDCAM_FONT={env}: no such font file", env);
            return (env, null);
        }
        foreach (var (r, b) in Candidates)
            if (File.Exists(r)) return (r, File.Exists(b) ? b : null);
        if (Directory.Exists("/usr/share/fonts"))
        {
            string? any = Directory.EnumerateFiles("/usr/share/fonts", "*.ttf", SearchOption.AllDirectories).Order(StringComparer.Ordinal).FirstOrDefault();
            if (any is not null) return (any, null);
        }
        throw new InvalidOperationException(
            "no TrueType font for figure text (ScottPlot draws no text without one): install the Debian package fonts-dejavu-core " +
            "(apt-get install -y fonts-dejavu-core) or set GUIDEDCAM_FONT=/path/to/font.ttf");
    }
}
