using System.Globalization;
using System.Text.RegularExpressions;

namespace Zapier.Cli;

/// <summary>Reads durations such as <c>90s</c>, <c>10m</c>, <c>1h30m</c> or <c>500ms</c>, and writes them back for people.</summary>
internal static partial class Durations
{
    [GeneratedRegex(@"\G(?<n>\d+(\.\d+)?)(?<unit>ms|s|m|h|d)", RegexOptions.CultureInvariant)]
    private static partial Regex Part();

    /// <summary>The duration <paramref name="text"/> names, or null when it is not one (a bare number is seconds).</summary>
    public static TimeSpan? Parse(string text)
    {
        text = text.Trim().ToLowerInvariant();
        if (text.Length == 0)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return double.IsFinite(seconds) && seconds < TimeSpan.MaxValue.TotalSeconds ? TimeSpan.FromSeconds(seconds) : null;
        }

        var total = TimeSpan.Zero;
        var position = 0;
        for (var match = Part().Match(text); match.Success && match.Index == position; match = match.NextMatch())
        {
            var n = double.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
            var part = match.Groups["unit"].Value switch
            {
                "ms" => n / 1000,
                "s" => n,
                "m" => n * 60,
                "h" => n * 3600,
                _ => n * 86400,
            };
            if (total.TotalSeconds + part >= TimeSpan.FromDays(365).TotalSeconds)
            {
                return null;
            }

            total += TimeSpan.FromSeconds(part);
            position += match.Length;
        }

        return position == text.Length ? total : null;
    }

    /// <summary><c>0.4 s</c>, <c>12.3 s</c>, <c>2m 05s</c>, <c>1h 02m</c>.</summary>
    public static string Format(TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            value = TimeSpan.Zero;
        }

        return value.TotalMinutes < 1
            ? string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.0} s")
            : value.TotalHours < 1
                ? string.Create(CultureInfo.InvariantCulture, $"{(int)value.TotalMinutes}m {value.Seconds:00}s")
                : string.Create(CultureInfo.InvariantCulture, $"{(int)value.TotalHours}h {value.Minutes:00}m");
    }
}
