using System.Globalization;
using System.Net;
using System.Text;

namespace PaymentPlatform.Load.Reporting;

/// <summary>A line series for <see cref="SvgChart"/>.</summary>
public sealed record ChartSeries(string Name, string Color, IReadOnlyList<(double X, double Y)> Points);

/// <summary>A small line chart as inline SVG, so the HTML report needs no script or network.</summary>
public static class SvgChart
{
    private const int Width = 760;
    private const int Height = 280;
    private const int Left = 60;
    private const int Right = 20;
    private const int Top = 30;
    private const int Bottom = 40;

    public static string Render(string title, string yLabel, IReadOnlyList<ChartSeries> series,
        IReadOnlyList<(double X, string Label)> xTicks, IReadOnlyList<(double X, string Label)>? markers = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(xTicks);
        var points = series.SelectMany(s => s.Points).ToList();
        var xs = points.Select(p => p.X).Concat(xTicks.Select(t => t.X)).DefaultIfEmpty(0).ToList();
        var (xMin, xMax) = (xs.Min(), Math.Max(xs.Max(), xs.Min() + 1));
        var yMax = NiceCeiling(points.Select(p => p.Y).DefaultIfEmpty(1).Max());
        double X(double x) => Left + ((x - xMin) / (xMax - xMin) * (Width - Left - Right));
        double Y(double y) => Height - Bottom - (y / yMax * (Height - Top - Bottom));
        string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"11\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"16\" font-size=\"13\" font-weight=\"bold\">{Escape(title)}</text>");
        for (var i = 0; i <= 4; i++)
        {
            var value = yMax * i / 4;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{N(Y(value))}\" y2=\"{N(Y(value))}\" stroke=\"#ddd\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{N(Y(value) + 4)}\" text-anchor=\"end\">{value:0.###}</text>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"14\" y=\"{Top + ((Height - Top - Bottom) / 2)}\" transform=\"rotate(-90 14 {Top + ((Height - Top - Bottom) / 2)})\" text-anchor=\"middle\">{Escape(yLabel)}</text>");
        foreach (var (x, label) in xTicks)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(X(x))}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\">{Escape(label)}</text>");
        }
        foreach (var (x, label) in markers ?? [])
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{N(X(x))}\" x2=\"{N(X(x))}\" y1=\"{Top}\" y2=\"{Height - Bottom}\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(X(x) + 3)}\" y=\"{Top + 10}\" fill=\"#666\">{Escape(label)}</text>");
        }
        var legendX = Width - Right - (series.Count * 90);
        foreach (var (s, i) in series.Select((s, i) => (s, i)))
        {
            if (s.Points.Count > 0)
            {
                var path = string.Join(" ", s.Points.Select(p => $"{N(X(p.X))},{N(Y(p.Y))}"));
                svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{s.Color}\" stroke-width=\"1.8\" points=\"{path}\"/>");
            }
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{legendX + (i * 90)}\" y=\"8\" width=\"12\" height=\"4\" fill=\"{s.Color}\"/><text x=\"{legendX + (i * 90) + 16}\" y=\"14\">{Escape(s.Name)}</text>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Height - Bottom}\" stroke=\"#333\"/><line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Height - Bottom}\" y2=\"{Height - Bottom}\" stroke=\"#333\"/>");
        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>The smallest of 1, 2, 2.5 or 5 times a power of ten at or above <paramref name="value"/>.</summary>
    public static double NiceCeiling(double value)
    {
        if (value <= 0 || double.IsNaN(value))
        {
            return 1;
        }
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (step * magnitude >= value)
            {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
