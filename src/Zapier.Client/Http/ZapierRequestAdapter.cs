using System.Diagnostics;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Abstractions.Store;
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
internal sealed class ZapierRequestAdapter(IRequestAdapter inner, ZapierClientCore core, Authentication.ZapierUserCredential? user = null) : IRequestAdapter
{
    /// <summary>What the client shares among its requests and waits.</summary>
    public ZapierClientCore Core { get; } = core;

    /// <summary>Kiota's adapter underneath, which a user's view shares with its client.</summary>
    public IRequestAdapter Inner { get; } = inner;

    /// <summary>The user whose credential every call through this adapter carries (null: the client's own).</summary>
    public Authentication.ZapierUserCredential? User { get; } = user;

    public ISerializationWriterFactory SerializationWriterFactory => Inner.SerializationWriterFactory;

    public string? BaseUrl
    {
        get => Inner.BaseUrl;
        set => Inner.BaseUrl = value;
    }

    public void EnableBackingStore(IBackingStoreFactory backingStoreFactory) => Inner.EnableBackingStore(backingStoreFactory);

    public async Task<ModelType?> SendAsync<ModelType>(
        RequestInformation requestInfo, ParsableFactory<ModelType> factory,
        Dictionary<string, ParsableFactory<IParsable>>? errorMapping = null, CancellationToken cancellationToken = default)
        where ModelType : IParsable
    {
        using var scope = Begin(requestInfo, cancellationToken);
        try
        {
            var model = await Inner.SendAsync(requestInfo, factory, WithFallback(errorMapping), scope.Token).ConfigureAwait(false);
            if (CarriesErrorDocument(model, out var errors))
            {
                await RefuseErrorDocumentAsync(errors).ConfigureAwait(false);
            }

            scope.Succeeded();
            return model;
        }
        catch (Exception e)
        {
            throw scope.Failed(e);
        }
    }

    public async Task<IEnumerable<ModelType>?> SendCollectionAsync<ModelType>(
        RequestInformation requestInfo, ParsableFactory<ModelType> factory,
        Dictionary<string, ParsableFactory<IParsable>>? errorMapping = null, CancellationToken cancellationToken = default)
        where ModelType : IParsable
    {
        using var scope = Begin(requestInfo, cancellationToken);
        try
        {
            var models = await Inner.SendCollectionAsync(requestInfo, factory, WithFallback(errorMapping), scope.Token).ConfigureAwait(false);
            scope.Succeeded();
            return models;
        }
        catch (Exception e)
        {
            throw scope.Failed(e);
        }
    }

    public async Task<ModelType?> SendPrimitiveAsync<ModelType>(
        RequestInformation requestInfo, Dictionary<string, ParsableFactory<IParsable>>? errorMapping = null,
        CancellationToken cancellationToken = default)
    {
        using var scope = Begin(requestInfo, cancellationToken);
        try
        {
            var value = await Inner.SendPrimitiveAsync<ModelType>(requestInfo, WithFallback(errorMapping), scope.Token).ConfigureAwait(false);
            scope.Succeeded();
            return value;
        }
        catch (Exception e)
        {
            throw scope.Failed(e);
        }
    }

    public async Task<IEnumerable<ModelType>?> SendPrimitiveCollectionAsync<ModelType>(
        RequestInformation requestInfo, Dictionary<string, ParsableFactory<IParsable>>? errorMapping = null,
        CancellationToken cancellationToken = default)
    {
        using var scope = Begin(requestInfo, cancellationToken);
        try
        {
            var values = await Inner.SendPrimitiveCollectionAsync<ModelType>(requestInfo, WithFallback(errorMapping), scope.Token).ConfigureAwait(false);
            scope.Succeeded();
            return values;
        }
        catch (Exception e)
        {
            throw scope.Failed(e);
        }
    }

    public async Task SendNoContentAsync(
        RequestInformation requestInfo, Dictionary<string, ParsableFactory<IParsable>>? errorMapping = null,
        CancellationToken cancellationToken = default)
    {
        using var scope = Begin(requestInfo, cancellationToken);
        try
        {
            await Inner.SendNoContentAsync(requestInfo, WithFallback(errorMapping), scope.Token).ConfigureAwait(false);
            scope.Succeeded();
        }
        catch (Exception e)
        {
            throw scope.Failed(e);
        }
    }

    public Task<T?> ConvertToNativeRequestAsync<T>(RequestInformation requestInfo, CancellationToken cancellationToken = default) =>
        Inner.ConvertToNativeRequestAsync<T>(requestInfo, cancellationToken);

    /// <summary>
    /// A success status whose body is Zapier's error document (top-level errors[] where the model expects none) is not
    /// a success: without this the caller would get a model with every field missing.
    /// </summary>
    private static bool CarriesErrorDocument<T>(T model, out object? errors)
    {
        errors = null;
        return model is IAdditionalDataHolder holder && holder.AdditionalData.TryGetValue("errors", out errors)
            && model is IParsable parsable && !parsable.GetFieldDeserializers().ContainsKey("errors");
    }

    private static async Task RefuseErrorDocumentAsync(object? errors)
    {
        var text = errors is UntypedNode node ? await KiotaJsonSerializer.SerializeAsStringAsync(node).ConfigureAwait(false) : errors?.ToString();
        throw new ZapierProtocolException(
            "The response has a success status but carries an error document instead of the expected data.",
            Serialization.ZapierParseNodeFactory.Snippet(text ?? string.Empty));
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
        if (mapping is null)
        {
            return Fallback;
        }

        // The generated builders make a new mapping for every call: completing it in place costs nothing.
        mapping.TryAdd("4XX", ErrorResponse.CreateFromDiscriminatorValue);
        mapping.TryAdd("5XX", ErrorResponse.CreateFromDiscriminatorValue);
        return mapping;
    }

    private static readonly Dictionary<string, ParsableFactory<IParsable>> Fallback = new(StringComparer.OrdinalIgnoreCase)
    {
        ["4XX"] = ErrorResponse.CreateFromDiscriminatorValue,
        ["5XX"] = ErrorResponse.CreateFromDiscriminatorValue,
    };

    /// <summary>Everything one API call needs around the send: its context, deadline, span and duration.</summary>
    private CallScope Begin(RequestInformation request, CancellationToken cancellationToken)
    {
        ValidatePathParameters(request);
        var call = request.GetRequestOption<ZapierCallContext>();
        if (call is null)
        {
            call = new ZapierCallContext();
            request.AddRequestOptions([call]);
        }

        call.User ??= User;
        call.Operation ??= OperationCatalog.Find(request);
        call.Retry ??= request.GetRequestOption<ZapierRetryOptions>() ?? Core.Options.Retry;
        return new CallScope(this, request, call, cancellationToken);
    }

    /// <summary>One API call in flight: ended with <see cref="Succeeded"/> or <see cref="Failed"/>, then disposed.</summary>
    private sealed class CallScope : IDisposable
    {
        private readonly ZapierRequestAdapter _adapter;
        private readonly RequestInformation _request;
        private readonly ZapierCallContext _call;
        private readonly CancellationToken _outer;
        private readonly TimeLimit _deadline;
        private readonly long _started;
        private readonly Activity? _activity;

        public CallScope(ZapierRequestAdapter adapter, RequestInformation request, ZapierCallContext call, CancellationToken outer)
        {
            _adapter = adapter;
            _request = request;
            _call = call;
            _outer = outer;
            var core = adapter.Core;
            _started = core.Time.GetTimestamp();
            _activity = ZapierTelemetry.StartCall(OperationCatalog.MethodName(request.HttpMethod), call.Operation, core.BaseUrl);
            _deadline = TimeLimit.Start(core.Time, core.Options.RequestTimeout, outer);
        }

        /// <summary>The token the call is sent with: the caller's, limited by the call's deadline.</summary>
        public CancellationToken Token => _deadline.Token(_outer);

        public void Succeeded()
        {
            FillResponseInfo();
            ZapierTelemetry.EndCall(_activity, OperationCatalog.MethodName(_request.HttpMethod), _call.Operation, _call, _adapter.Core.Time.GetElapsedTime(_started), errorType: null);
        }

        /// <summary>Records the failure and returns what the caller gets: a family member, or the exception itself.</summary>
        public Exception Failed(Exception e)
        {
            var core = _adapter.Core;
            FillResponseInfo();
            var method = OperationCatalog.MethodName(_request.HttpMethod);
            var error = e switch
            {
                OperationCanceledException when _deadline.Expired(_outer) =>
                    new ZapierTimeoutException(method, ZapierApiException.PathOf(_request), perAttempt: false, core.Options.RequestTimeout, e),
                OperationCanceledException => e,
                _ => _adapter.Describe(e, _request, _call),
            };
            var errorType = error is ZapierApiException api ? api.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : error.GetType().FullName!;
            ZapierTelemetry.EndCall(_activity, method, _call.Operation, _call, core.Time.GetElapsedTime(_started), errorType);
            if (error is ZapierException)
            {
                core.Log.CallFailed(method, _call.Operation?.PathTemplate ?? "(a URL outside the schema)", _call.Attempts, errorType);
            }

            if (ReferenceEquals(error, e))
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e).Throw(); // keeps the original stack trace
            }

            return error;
        }

        public void Dispose() => _deadline.Dispose();

        /// <summary>Fills the caller's <see cref="ZapierResponseInfo"/>, if the call carries one (looked up, not kept: no cost per call).</summary>
        private void FillResponseInfo() =>
            _request.GetRequestOption<ZapierResponseInfo>()?.Fill(_call, _adapter.Core.Time.GetUtcNow());
    }

    /// <summary>The family member for a failure (or the exception itself when it is one already or not the client's business).</summary>
    private Exception Describe(Exception e, RequestInformation request, ZapierCallContext call)
    {
        var method = OperationCatalog.MethodName(request.HttpMethod);
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
            BudgetRefusedException r => new ZapierBudgetException(method, path, r.RetryAfter, r.ByServer, r),
            HttpRequestException or IOException => new ZapierNetworkException(method, path, e),
            _ => e,
        };
    }
}
