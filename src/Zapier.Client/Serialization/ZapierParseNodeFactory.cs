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
internal sealed partial class ZapierParseNodeFactory(long maxResponseBytes = 16L * 1024 * 1024) : IParseNodeFactory
{
    /// <summary>How much of an unreadable body a message quotes.</summary>
    public const int SnippetLength = 512;

    public string ValidContentType => "application/json";

    public static bool IsJson(string? contentType)
    {
        var mediaType = contentType.AsSpan();
        var parameters = mediaType.IndexOf(';');
        mediaType = (parameters >= 0 ? mediaType[..parameters] : mediaType).Trim();
        return mediaType.IsEmpty
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

        // The whole body in a pooled buffer, at most MaxResponseBytes: the parser reads it from memory and a body that
        // does not parse can be quoted from the same bytes.
        var (buffer, length) = await ReadAllAsync(content, maxResponseBytes, cancellationToken).ConfigureAwait(false);
        try
        {
            var body = buffer.AsMemory(0, length);
            if (body.Span.StartsWith("\uFEFF"u8))
            {
                body = body[3..]; // a UTF-8 byte order mark, which the stream parser skips and the memory parser refuses
            }

            using var document = JsonDocument.Parse(body);
            return new ForwardCompatibleJsonParseNode(document.RootElement.Clone(), isRoot: true);
        }
        catch (JsonException e)
        {
            var snippet = Snippet(Encoding.UTF8.GetString(buffer, 0, Math.Min(length, SnippetLength * 4)));
            throw new ZapierProtocolException(
                $"The response is not valid JSON ({e.Message.Split('.')[0]}, line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).", snippet, e);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads a body into a rented buffer, failing once it passes <paramref name="limit"/> bytes.</summary>
    private static async Task<(byte[] Buffer, int Length)> ReadAllAsync(Stream content, long limit, CancellationToken cancellationToken)
    {
        var pool = System.Buffers.ArrayPool<byte>.Shared;
        var buffer = pool.Rent(4096);
        var length = 0;
        try
        {
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
                if (length > limit)
                {
                    throw new ZapierProtocolException(
                        $"The response body is larger than {limit / (1024 * 1024.0):0.#} MB (ZapierClientOptions.MaxResponseBytes); it was not read further.");
                }

                if (length == buffer.Length)
                {
                    var larger = pool.Rent((int)Math.Min(Math.Max(buffer.Length * 2L, 4096), Math.Min(limit + 1, Array.MaxLength)));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    pool.Return(buffer);
                    buffer = larger;
                }
            }

            return (buffer, length);
        }
        catch
        {
            pool.Return(buffer);
            throw;
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
