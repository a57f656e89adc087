using System.Text;
using Zapier.Client.Errors;

namespace Zapier.Client.Serialization;

/// <summary>
/// A response body stream that stops at a size limit (with a clear error rather than unbounded memory) and remembers
/// its first bytes, so an unreadable body can be quoted.
/// </summary>
internal sealed class CappedStream(Stream inner, long limit) : Stream
{
    private readonly MemoryStream _prefix = new();
    private long _read;

    /// <summary>The start of what has been read, as text, for error messages.</summary>
    public string Prefix => ZapierParseNodeFactory.Snippet(Encoding.UTF8.GetString(_prefix.GetBuffer(), 0, (int)_prefix.Length));

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Count(buffer.AsSpan(offset), inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Count(buffer.Span, read);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose(); // the prefix stays readable for error messages
        }

        base.Dispose(disposing);
    }

    private int Count(ReadOnlySpan<byte> buffer, int read)
    {
        var keep = (int)Math.Min(read, Math.Max(0, (ZapierParseNodeFactory.SnippetLength * 4) - _prefix.Length));
        _prefix.Write(buffer[..keep]);
        _read += read;
        if (_read > limit)
        {
            throw new ZapierProtocolException(
                $"The response body is larger than {limit / (1024 * 1024.0):0.#} MB (ZapierClientOptions.MaxResponseBytes); it was not read further.");
        }

        return read;
    }
}
