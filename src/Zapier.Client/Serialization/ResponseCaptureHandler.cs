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
            return response; // the parser reads a success body itself, within MaxResponseBytes, and quotes it if it must
        }

        // An error body is read by Kiota into the error model; keep its start for the exception's BodySnippet.
        response.Content = new CappedContent(response.Content, maxResponseBytes, capture);
        return response;
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
