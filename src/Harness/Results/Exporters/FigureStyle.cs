using ScottPlot;

namespace GuidedCam.Harness.Results.Exporters;

/// <summary>Shared look of the report figures: sizes, method colours (stable per method across figures) and file names.</summary>
public static class FigureStyle
{
    public const int Width = 960;
    public const int Height = 600;

    /// <summary>Category10 (Tableau/D3) colours: distinguishable and familiar from matplotlib figures.</summary>
    // Matplotlib's tab10 then the dark halves of tab20b: 20 distinct colours, so the 14 methods of the
    // quickstart (10 methods + 4 baselines) never share one.
    private static readonly string[] Palette =
    {
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
        "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#5254a3", "#8ca252", "#bd9e39", "#ad494a", "#a55194",
    };

    public static Color MethodColor(int index) => Color.FromHex(Palette[index % Palette.Length]);

    public static Plot NewPlot()
    {
        PlotFonts.Ensure();
        var plt = new Plot();
        plt.Axes.Title.Label.FontSize = 18;
        plt.Axes.Bottom.Label.FontSize = 15;
        plt.Axes.Left.Label.FontSize = 15;
        plt.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plt.Axes.Left.TickLabelStyle.FontSize = 13;
        return plt;
    }

    /// <summary>A file name for a figure: kind and the parts, each made path-safe.</summary>
    public static string FileName(string kind, params string[] parts) =>
        string.Join("_", new[] { kind }.Concat(parts.Where(p => p.Length > 0).Select(RunLayout.SafeName))) + ".png";
}
