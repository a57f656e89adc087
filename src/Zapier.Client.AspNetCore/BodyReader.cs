namespace Zapier.Client.AspNetCore;

/// <summary>Reads a body whole, up to a limit, without trusting its declared length.</summary>
internal static class BodyReader
{
    /// <summary>The body's bytes, or null when it is longer than <paramref name="limit"/> (reading stops there).</summary>
    public static async Task<ReadOnlyMemory<byte>?> ReadAsync(Stream body, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
