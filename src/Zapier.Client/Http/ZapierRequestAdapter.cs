using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Abstractions.Store;
using Polly.Timeout;
using Zapier.Client.Errors;
using Zapier.Client.Generated.Models;
using Zapier.Client.Serialization;

namespace Zapier.Client.Http;

/// <summary>
/// Wraps Kiota's request adapter so that every API error reaches the caller as a <see cref="ZapierApiException"/>
/// whose message names the status, Zapier's error code, title and detail, and the request id; and carries the
/// client's <see cref="SharedClientServices"/> to hand-written extensions of the generated request builders.
/// </summary>
internal sealed class ZapierRequestAdapter(IRequestAdapter inner, SharedClientServices runtime) : IRequestAdapter
{
    /// <summary>The client's clock, request scheduler and default settings.</summary>
    public SharedClientServices Runtime { get; } = runtime;

    public ISerializationWriterFactory SerializationWriterFactory => inner.SerializationWriterFactory;

    public string? BaseUrl
    {
        get => inner.BaseUrl;
        set => inner.BaseUrl = value;
    }

    public void EnableBackingStore(IBackingStoreFactory backingStoreFactory) => inner.EnableBackingStore(backingStoreFactory);

    public Task<ModelType?> SendAsync<ModelType>(
        RequestInformation requestInfo, ParsableFactory<ModelType> factory,
        Dictionary<string, ParsableFactory<IParsable>>? errorMapping = null, CancellationToken cancellationToken = default)
        where ModelType : IParsable =>
        Translate(requestInfo, async () => await RefuseErrorDocumentAsync(
            await inner.SendAsync(requestInfo, factory, WithFallback(errorMapping), cancellationToken).ConfigureAwait(false)).ConfigureAwait(false));

    public Task<IEnumerable<ModelType>?> SendCollectionAsync<ModelType>(
        RequestInformation requestInfo, ParsableFactory<ModelType> factory,
        Dictionary<string, ParsableFactory<IParsable>>? errorMapping = null, CancellationToken cancellationToken = default)
        where ModelType : IParsable =>
        Translate(requestInfo, () => inner.SendCollectionAsync(requestInfo, factory, WithFallback(errorMapping), cancellationToken));

    public Task<ModelType?> SendPrimitiveAsync<ModelType>(
        RequestInformation requestInfo, Dictionary<string, ParsableFactory<IParsable>>? errorMapping = null,
        CancellationToken cancellationToken = default) =>
        Translate(requestInfo, () => inner.SendPrimitiveAsync<ModelType>(requestInfo, WithFallback(errorMapping), cancellationToken));

    public Task<IEnumerable<ModelType>?> SendPrimitiveCollectionAsync<ModelType>(
        RequestInformation requestInfo, Dictionary<string, ParsableFactory<IParsable>>? errorMapping = null,
        CancellationToken cancellationToken = default) =>
        Translate(requestInfo, () => inner.SendPrimitiveCollectionAsync<ModelType>(requestInfo, WithFallback(errorMapping), cancellationToken));

    public Task SendNoContentAsync(
        RequestInformation requestInfo, Dictionary<string, ParsableFactory<IParsable>>? errorMapping = null,
        CancellationToken cancellationToken = default) =>
        Translate(requestInfo, async () =>
        {
            await inner.SendNoContentAsync(requestInfo, WithFallback(errorMapping), cancellationToken).ConfigureAwait(false);
            return true;
        });

    public Task<T?> ConvertToNativeRequestAsync<T>(RequestInformation requestInfo, CancellationToken cancellationToken = default) =>
        inner.ConvertToNativeRequestAsync<T>(requestInfo, cancellationToken);

    /// <summary>
    /// A success status whose body is Zapier's error document (top-level errors[] where the model expects none) is not
    /// a success: without this the caller would get a model with every field missing.
    /// </summary>
    private static async Task<T> RefuseErrorDocumentAsync<T>(T model)
    {
        if (model is IAdditionalDataHolder holder && holder.AdditionalData.TryGetValue("errors", out var errors)
            && model is IParsable parsable && !parsable.GetFieldDeserializers().ContainsKey("errors"))
        {
            var text = errors is UntypedNode node ? await KiotaJsonSerializer.SerializeAsStringAsync(node).ConfigureAwait(false) : errors?.ToString();
            throw new ZapierProtocolException(
                "The response has a success status but carries an error document instead of the expected data.",
                Serialization.ZapierParseNodeFactory.Snippet(text ?? string.Empty));
        }

        return model;
    }

    /// <summary>
    /// Path parameters always travel as one percent-encoded segment (Kiota encodes '/', '?', '#', '%' and the rest);
    /// what encoding cannot make safe is refused here: an empty value (the request would reach the collection instead
    /// of the item) and "." or ".." (which URL normalisation would turn into a different path).
    /// </summary>
    private static void ValidatePathParameters(RequestInformation request)
    {
        if (request.PathParameters.ContainsKey("request-raw-url"))
        {
            return;
        }

        foreach (var (name, value) in request.PathParameters)
        {
            if (name == "baseurl" || value is not string text)
            {
                continue;
            }

            var parameter = Uri.UnescapeDataString(name);
            if (string.IsNullOrWhiteSpace(text))
            {
                throw new ArgumentException($"The path parameter '{parameter}' must not be empty.", parameter);
            }

            if (text is "." or "..")
            {
                throw new ArgumentException($"The path parameter '{parameter}' must not be '{text}'.", parameter);
            }
        }
    }

    /// <summary>
    /// Statuses the schema does not document (404, 422, 502, ...) still carry Zapier's JSON error document: read them
    /// as the generated ErrorResponse too, instead of Kiota's bare ApiException that drops the body.
    /// </summary>
    private static Dictionary<string, ParsableFactory<IParsable>> WithFallback(Dictionary<string, ParsableFactory<IParsable>>? mapping)
    {
        var result = mapping is null ? new Dictionary<string, ParsableFactory<IParsable>>(StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, ParsableFactory<IParsable>>(mapping, StringComparer.OrdinalIgnoreCase);
        result.TryAdd("4XX", ErrorResponse.CreateFromDiscriminatorValue);
        result.TryAdd("5XX", ErrorResponse.CreateFromDiscriminatorValue);
        return result;
    }

    private async Task<T> Translate<T>(RequestInformation request, Func<Task<T>> send)
    {
        ValidatePathParameters(request);
        var capture = new ResponseCapture();
        request.AddRequestOptions([capture]);
        var method = request.HttpMethod.ToString();
        try
        {
            return await send().ConfigureAwait(false);
        }
        catch (ApiException e) when (e.GetType() == typeof(ApiException) && e.InnerException is { } cause && e.ResponseStatusCode < 400)
        {
            // Kiota wraps a failure to read a success response (bad body, broken stream); the cause is what matters.
            throw Describe(cause, request, capture);
        }
        catch (ApiException e)
        {
            throw ZapierApiException.From(e, request, Runtime.Time.GetUtcNow(), e is ErrorResponse ? null : capture.BodyStart);
        }
        catch (Exception e) when (e is ZapierException or TimeoutRejectedException or AttemptTimedOutException or HttpRequestException or IOException
                                   || (e is OperationCanceledException && e.InnerException is TimeoutException)
                                   || (e is InvalidOperationException && e.Message.Contains("redirect", StringComparison.OrdinalIgnoreCase)))
        {
            throw Describe(e, request, capture);
        }
    }

    /// <summary>The family member for a failure below the API level (or the exception itself when it is one already).</summary>
    private Exception Describe(Exception e, RequestInformation request, ResponseCapture capture)
    {
        var method = request.HttpMethod.ToString();
        var path = ZapierApiException.PathOf(request);
        return e switch
        {
            // An error status whose body could not be read as JSON: still the API's answer, with its status.
            ZapierProtocolException p when capture.Status >= 400 => ZapierApiException.From(
                new ApiException(p.Message, p) { ResponseStatusCode = capture.Status.Value, ResponseHeaders = capture.Headers },
                request, Runtime.Time.GetUtcNow(), p.BodySnippet ?? capture.BodyStart),
            ZapierException z => z,
            AttemptTimedOutException t => new ZapierTimeoutException(method, path, perAttempt: true, t.Limit, t),
            TimeoutRejectedException t => new ZapierTimeoutException(method, path, perAttempt: false, t.Timeout, t),
            OperationCanceledException { InnerException: TimeoutException } => new ZapierTimeoutException(method, path, perAttempt: false, limit: null, e),
            HttpRequestException or IOException => new ZapierNetworkException(method, path, e),
            InvalidOperationException when e.Message.Contains("redirect", StringComparison.OrdinalIgnoreCase) =>
                new ZapierProtocolException($"{method} {path} was redirected too many times ({e.Message}).", inner: e),
            _ => new ZapierProtocolException($"{method} {path}: the response could not be read ({e.GetType().Name}: {e.Message}).", capture.BodyStart, e),
        };
    }
}
