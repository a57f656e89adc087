using Zapier.Client.ActionRuns;
using Zapier.Client.Http;

namespace Zapier.Client.Generated.V2.ActionRuns.Item;

/// <summary>Waiting on an existing run, from the generated request builder: <c>client.V2.ActionRuns[id].WaitForCompletionAsync()</c>.</summary>
public partial class ActionRunsItemRequestBuilder
{
    /// <summary>
    /// Polls this run until its status leaves <c>waiting</c>/<c>queued</c>/<c>running</c>; see
    /// <see cref="ActionRun.WaitForCompletionAsync"/>. Uses the client's shared scheduler and request budget.
    /// </summary>
    public Task<ActionRunState> WaitForCompletionAsync(
        ActionRunWaitOptions? options = null, IProgress<ActionRunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var runtime = ZapierAdapter?.Core
            ?? throw new InvalidOperationException("Waiting needs a request builder obtained from a ZapierClient.");
        var id = PathParameters.TryGetValue("id", out var value) ? value?.ToString() : null;
        if (string.IsNullOrEmpty(id))
        {
            throw new InvalidOperationException("This request builder has no run id.");
        }

        return new ActionRun(id, this, runtime).WaitForCompletionAsync(options, progress, cancellationToken);
    }

    /// <summary>The client's adapter this builder sends through (a user's view has its own, carrying the user's credential).</summary>
    internal ZapierRequestAdapter? ZapierAdapter => RequestAdapter as ZapierRequestAdapter;
}
