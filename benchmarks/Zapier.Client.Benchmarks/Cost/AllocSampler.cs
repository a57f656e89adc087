using System.Diagnostics.Tracing;
namespace Zapier.Client.Benchmarks.Cost;
internal sealed class AllocSampler : EventListener
{
    public readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> ByType = new();
    public volatile bool On;
    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
    }
    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!On || e.EventName != "GCAllocationTick_V4") return;
        var name = e.Payload![e.PayloadNames!.IndexOf("TypeName")] as string ?? "?";
        ByType.AddOrUpdate(name, 1, (_, v) => v + 1);
    }
}
