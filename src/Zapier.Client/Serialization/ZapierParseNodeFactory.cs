using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Kiota.Abstractions.Serialization;
using Zapier.Client.Errors;

namespace Zapier.Client.Serialization;

/// <summary>
/// Turns response bodies into parse nodes: JSON (application/json, text/json, any +json type) with the
/// forward-compatible reader; anything else, or JSON that does not parse, is a <see cref="ZapierProtocolException"/>
/// quoting the start of the body, instead of Kiota's InvalidOperationException or a bare JsonException.
/// </summary>
internal sealed partial class ZapierParseNodeFactory : IParseNodeFactory
{
    /// <summary>How much of an unreadable body a message quotes.</summary>
    public const int SnippetLength = 512;

    public string ValidContentType => "application/json";

    public static bool IsJson(string? contentType)
    {
        var mediaType = contentType?.Split(';')[0].Trim();
        return string.IsNullOrEmpty(mediaType)
            || mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("text/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    public async Task<IParseNode> GetRootParseNodeAsync(string contentType, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!IsJson(contentType))
        {
            throw new ZapierProtocolException(
                $"The response has content type '{contentType}', not JSON.", await SnippetAsync(content, cancellationToken).ConfigureAwait(false));
        }

        try
        {
            using var document = await JsonDocument.ParseAsync(content, cancellationToken: cancellationToken).ConfigureAwait(false);
            var root = document.RootElement.Clone();
            return new ForwardCompatibleJsonParseNode(root, () => (content as CappedStream)?.Prefix ?? Snippet(root.GetRawText()));
        }
        catch (JsonException e)
        {
            string? snippet = (content as CappedStream)?.Prefix;
            if (snippet is null && content.CanSeek)
            {
                content.Position = 0;
                snippet = await SnippetAsync(content, cancellationToken).ConfigureAwait(false);
            }

            throw new ZapierProtocolException(
                $"The response is not valid JSON ({e.Message.Split('.')[0]}, line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).", snippet, e);
        }
    }

    /// <summary>Reads the start of a body (a few KB at most) and quotes it.</summary>
    internal static async Task<string> SnippetAsync(Stream content, CancellationToken cancellationToken)
    {
        var buffer = new byte[SnippetLength * 4];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await content.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false)) > 0)
        {
            read += n;
        }

        return Snippet(Encoding.UTF8.GetString(buffer, 0, read));
    }

    /// <summary>
    /// The start of a body, on one line, at most <paramref name="length"/> characters, with any bearer token masked (a
    /// gateway may echo the Authorization header back, and quotes end up in messages and logs).
    /// </summary>
    public static string Snippet(string text, int length = SnippetLength)
    {
        var flat = string.Join(' ', text.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        flat = BearerToken().Replace(flat, "$1 [redacted]");
        return flat.Length <= length ? flat : flat[..length] + "…";
    }

    [GeneratedRegex(@"\b(Bearer)\s+[A-Za-z0-9\-._~+/]+=*", RegexOptions.IgnoreCase)]
    private static partial Regex BearerToken();
}
