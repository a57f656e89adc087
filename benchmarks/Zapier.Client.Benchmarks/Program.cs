using Zapier.Client.Benchmarks;

// dotnet run -c Release --project benchmarks/Zapier.Client.Benchmarks -- [polling [trials]] [memory [count]] [bdn]
// With no arguments: polling and memory, 200 jittered trials per duration and 10,000 pending waits.
// "bdn" runs the BenchmarkDotNet suite (WaitStartBenchmarks) instead.
if (args.Contains("bdn"))
{
    BenchmarkDotNet.Running.BenchmarkRunner.Run<WaitStartBenchmarks>();
    return;
}

var modes = args.Length == 0 ? ["polling", "memory"] : args.Where(a => !int.TryParse(a, out _)).ToArray();
var number = args.Select(a => int.TryParse(a, out var n) ? n : (int?)null).FirstOrDefault(n => n is not null);

if (modes.Contains("polling"))
{
    Console.WriteLine("## Polling efficiency (fake time)");
    Console.WriteLine();
    await PollingEfficiency.RunAsync(number ?? 200);
    Console.WriteLine();
}

if (modes.Contains("memory"))
{
    Console.WriteLine("## Cost of a pending wait");
    Console.WriteLine();
    await PendingWaitMemory.RunAsync(number ?? 10_000);
}
