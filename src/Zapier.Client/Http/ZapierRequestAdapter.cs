using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Abstractions.Store;
using Polly.RateLimiting;
using Zapier.Client.Errors;
using Zapier.Client.Generated.Models;
using Zapier.Client.Resilience;
using Zapier.Client.Telemetry;

namespace Zapier.Client.Http;

/// <summary>
/// Wraps Kiota's request adapter: each API call gets its <see cref="ZapierCallContext"/>, its deadline
/// (<see cref="ZapierClientOptions.RequestTimeout"/>, retries included), its span and duration metric, and every
/// failure reaches the caller as one member of the <see cref="ZapierException"/> family. Also carries the client's
/// <see cref="ZapierClientCore"/> to hand-written extensions of the generated request builders.
/// </summary>
internal sealed class ZapierRequestAdapter(IRequestAdapter inner, ZapierClientCore core) : IRequestAdapter
{
    /// <summary>What the client shares among its requests and waits.</summary>
    public ZapierClientCore Core { get; } = core;

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
        Translate(requestInfo, async ct => await RefuseErrorDocumentAsync(
            await inner.SendAsync(requestInfo, factory, WithFallback(errorMapping), ct).ConfigureAwait(false)).ConfigureAwait(false), cancellationToken);

    public Task<IEnumerable<ModelType>?> SendCollectionAsync<ModelType>(
        RequestInformation requestInfo, ParsableFactory<ModelType> factory,
        Dictionary<string, ParsableFactory<IParsable>>? errorMapping = null, CancellationToken cancellationToken = default)
        where ModelType : IParsable =>
        Translate(requestInfo, ct => inner.SendCollectionAsync(requestInfo, factory, WithFallback(errorMapping), ct), cancellationToken);

    public Task<ModelType?> SendPrimitiveAsync<ModelType>(
        RequestInformation requestInfo, Dictionary<string, ParsableFactory<IParsable>>? errorMapping = null,
        CancellationToken cancellationToken = default) =>
        Translate(requestInfo, ct => inner.SendPrimitiveAsync<ModelType>(requestInfo, WithFallback(errorMapping), ct), cancellationToken);

    public Task<IEnumerable<ModelType>?> SendPrimitiveCollectionAsync<ModelType>(
        RequestInformation requestInfo, Dictionary<string, ParsableFactory<IParsable>>? errorMapping = null,
        CancellationToken cancellationToken = default) =>
        Translate(requestInfo, ct => inner.SendPrimitiveCollectionAsync<ModelType>(requestInfo, WithFallback(errorMapping), ct), cancellationToken);

    public Task SendNoContentAsync(
        RequestInformation requestInfo, Dictionary<string, ParsableFactory<IParsable>>? errorMapping = null,
        CancellationToken cancellationToken = default) =>
        Translate(requestInfo, async ct =>
        {
            await inner.SendNoContentAsync(requestInfo, WithFallback(errorMapping), ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

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

    private async Task<T> Translate<T>(RequestInformation request, Func<CancellationToken, Task<T>> send, CancellationToken cancellationToken)
    {
        ValidatePathParameters(request);
        var method = request.HttpMethod.ToString();
        var call = request.GetRequestOption<ZapierCallContext>();
        if (call is null)
        {
            call = new ZapierCallContext();
            request.AddRequestOptions([call]);
        }

        call.Operation ??= OperationCatalog.Find(method, request.UrlTemplate ?? string.Empty);
        call.Retry ??= request.GetRequestOption<ZapierRetryOptions>() ?? Core.Options.Retry;

        var started = Core.Time.GetTimestamp();
        var activity = ZapierTelemetry.StartCall(method, call.Operation, Core.BaseUrl);
        var limit = Core.Options.RequestTimeout;
        using var deadline = limit == Timeout.InfiniteTimeSpan ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var timer = deadline is null || Core.Time == TimeProvider.System ? null
            : Core.Time.CreateTimer(static s => ((CancellationTokenSource)s!).Cancel(), deadline, limit, Timeout.InfiniteTimeSpan);
        if (deadline is not null && timer is null)
        {
            deadline.CancelAfter(limit);
        }

        try
        {
            var result = await send(deadline?.Token ?? cancellationToken).ConfigureAwait(false);
            ZapierTelemetry.EndCall(activity, method, call.Operation, call, Core.Time.GetElapsedTime(started), errorType: null);
            return result;
        }
        catch (Exception e)
        {
            var error = e switch
            {
                OperationCanceledException when deadline is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested =>
                    new ZapierTimeoutException(method, ZapierApiException.PathOf(request), perAttempt: false, limit, e),
                OperationCanceledException => e,
                _ => Describe(e, request, call),
            };
            var errorType = error is ZapierApiException api ? api.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : error.GetType().FullName!;
            ZapierTelemetry.EndCall(activity, method, call.Operation, call, Core.Time.GetElapsedTime(started), errorType);
            if (error is ZapierException)
            {
                Core.Log.CallFailed(method, ZapierApiException.PathOf(request), call.Attempts, errorType);
            }

            if (ReferenceEquals(error, e))
            {
                throw;
            }

            throw error;
        }
    }

    /// <summary>The family member for a failure (or the exception itself when it is one already or not the client's business).</summary>
    private Exception Describe(Exception e, RequestInformation request, ZapierCallContext call)
    {
        var method = request.HttpMethod.ToString();
        var path = ZapierApiException.PathOf(request);
        var now = Core.Time.GetUtcNow();
        return e switch
        {
            // Kiota wraps a failure to read a success response (bad body, broken stream); the cause is what matters.
            ApiException { InnerException: { } cause } when e.GetType() == typeof(ApiException) && ((ApiException)e).ResponseStatusCode < 400 =>
                Describe(cause, request, call),
            // Without Zapier's errors[] (a problem document, a gateway's {"message": ...}) the body is all there is to go on.
            ApiException api => ZapierApiException.From(api, request, now, e is ErrorResponse { Errors.Count: > 0 } ? null : call.BodyStart),

            // An error status whose body could not be read as JSON: still the API's answer, with its status.
            ZapierProtocolException p when call.Status >= 400 => ZapierApiException.From(
                new ApiException(p.Message, p) { ResponseStatusCode = call.Status.Value, ResponseHeaders = call.ResponseHeaders() },
                request, now, p.BodySnippet ?? call.BodyStart),
            ZapierException z => z,
            AttemptTimedOutException t => new ZapierTimeoutException(method, path, perAttempt: true, t.Limit, t),
            RateLimiterRejectedException r => new ZapierBudgetException(method, path, r.RetryAfter, r),
            HttpRequestException or IOException => new ZapierNetworkException(method, path, e),
            InvalidOperationException when e.Message.Contains("redirect", StringComparison.OrdinalIgnoreCase) =>
                new ZapierProtocolException($"{method} {path} was redirected too many times ({e.Message}).", inner: e),
            _ => e,
        };
    }
}
