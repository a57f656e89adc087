using System.Net.Http.Headers;
using Microsoft.Kiota.Abstractions;
using Zapier.Client.Errors;

namespace Zapier.Client.Serialization;

/// <summary>
/// Makes every response body safe to read: caps its size, gives a body without a content type the JSON type (Kiota
/// would otherwise return nothing), and replaces a non-JSON error body (an HTML gateway page) by its quoted start, so
/// the caller gets a typed error with the status instead of a parser failure.
/// </summary>
internal sealed class ResponseCaptureHandler(long maxResponseBytes) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var capture = Http.ZapierCallContext.Of(request);

        if (response.Content.Headers.ContentLength is { } length && length > maxResponseBytes)
        {
            response.Dispose();
            throw new ZapierProtocolException(
                $"The response body is {length / (1024 * 1024.0):0.#} MB, over the {maxResponseBytes / (1024 * 1024.0):0.#} MB limit (ZapierClientOptions.MaxResponseBytes); it was not read.");
        }

        var contentType = response.Content.Headers.ContentType;
        if (!response.IsSuccessStatusCode && contentType is not null && !ZapierParseNodeFactory.IsJson(contentType.MediaType))
        {
            var snippet = await ReadSnippetAsync(response.Content, cancellationToken).ConfigureAwait(false);
            if (capture is not null)
            {
                capture.Snippet = snippet;
            }

            response.Content.Dispose();
            response.Content = new ByteArrayContent([]);
            return response;
        }

        if (contentType is null && response.Content.Headers.ContentLength != 0)
        {
            response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        if (response.IsSuccessStatusCode)
        {
            // Read the body here, inside the attempt: its time limit and the retry policy cover it (a body cut short is
            // a network failure of this attempt), and no more than MaxResponseBytes is ever held, whatever the headers
            // said (chunked, compressed). HttpClient would otherwise buffer it after the pipeline, without a cap.
            await BufferAsync(response, cancellationToken).ConfigureAwait(false);
            return response;
        }

        // An error body is read by Kiota into the error model; keep its start for the exception's BodySnippet.
        response.Content = new CappedContent(response.Content, maxResponseBytes, capture);
        return response;
    }

    private async Task BufferAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is not null)
        {
            // Known and within the cap (checked above): HttpClient's own buffer, which it would fill later anyway.
            await response.Content.LoadIntoBufferAsync(maxResponseBytes, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Chunked or compressed: count while reading, and stop at the cap with the client's own error.
        var limit = (int)Math.Min(maxResponseBytes, Array.MaxLength - 1);
        using var body = new MemoryStream();
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            await using var source = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            int read;
            while ((read = await source.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (body.Length + read > limit)
                {
                    response.Dispose();
                    throw new ZapierProtocolException(
                        $"The response body is larger than {maxResponseBytes / (1024 * 1024.0):0.#} MB (ZapierClientOptions.MaxResponseBytes); it was not read further.");
                }

                body.Write(chunk, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }

        var buffered = new ByteArrayContent(body.GetBuffer(), 0, (int)body.Length);
        foreach (var (name, values) in response.Content.Headers)
        {
            buffered.Headers.TryAddWithoutValidation(name, values);
        }

        response.Content.Dispose();
        response.Content = buffered;
    }

    private static async Task<string> ReadSnippetAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return await ZapierParseNodeFactory.SnippetAsync(stream, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The original content behind a <see cref="CappedStream"/>, with the original headers.</summary>
    private sealed class CappedContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly long _limit;
        private readonly Http.ZapierCallContext? _capture;

        public CappedContent(HttpContent inner, long limit, Http.ZapierCallContext? capture)
        {
            _inner = inner;
            _limit = limit;
            _capture = capture;
            foreach (var (name, values) in inner.Headers)
            {
                Headers.TryAddWithoutValidation(name, values);
            }
        }

        protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
        {
            var stream = new CappedStream(await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), _limit);
            if (_capture is not null)
            {
                _capture.Body = stream;
            }

            return stream;
        }

        protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await using var source = await CreateContentReadStreamAsync(CancellationToken.None).ConfigureAwait(false);
            await source.CopyToAsync(stream).ConfigureAwait(false);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _inner.Headers.ContentLength ?? -1;
            return length >= 0;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
