using Zapier.Client.Benchmarks;
using Zapier.Client.Benchmarks.Cost;

// dotnet run -c Release --project benchmarks/Zapier.Client.Benchmarks -- [polling [trials]] [memory [count]] [callbacks [trials]] [bdn] [cost [rounds]] [redis-bdn]
// With no arguments: polling and memory, 200 jittered trials per duration and 10,000 pending waits.
// "bdn" runs the BenchmarkDotNet suite (WaitStartBenchmarks) instead.
// "callbacks" compares requests per completed run, polling against callbacks with the safety net (200 trials per T).
// "cost" measures one GET of an action run against a Kestrel server in another process: raw HttpClient, plain Kiota
// and ZapierClient per call (BenchmarkDotNet), and construction plus first call (20 cold processes per variant).
// "users" prints the bytes of one more user view (ForUser) of a shared client; "users-bdn" measures it with BenchmarkDotNet.
// "redis-bdn" measures one permit from the fleet budget (ZapierRedisBudget) against a redis-server on loopback that it
// starts itself, with the client's default local limiter as the baseline (BenchmarkDotNet).
// "cost-quick" prints only the bytes allocated per call of each variant, in seconds (for work on the pipeline).
if (args is [ColdStart.ChildMode, var variant, var url])
{
    await ColdStart.RunChildAsync(variant, new Uri(url));
    return;
}

if (args.Contains("redis-bdn"))
{
    BenchmarkDotNet.Running.BenchmarkRunner.Run<RedisBudgetBenchmarks>();
    return;
}

if (args.Contains("users-bdn"))
{
    BenchmarkDotNet.Running.BenchmarkRunner.Run<UserViewBenchmarks>();
    return;
}

if (args.Contains("users"))
{
    UserViewBenchmarks.RunQuick(10_000);
    return;
}

if (args.Contains("bdn"))
{
    BenchmarkDotNet.Running.BenchmarkRunner.Run<WaitStartBenchmarks>();
    return;
}

var modes = args.Length == 0 ? ["polling", "memory"] : args.Where(a => !int.TryParse(a, out _)).ToArray();
var number = args.Select(a => int.TryParse(a, out var n) ? n : (int?)null).FirstOrDefault(n => n is not null);

if (modes.Contains("cold-quick"))
{
    await QuickColdStart.RunAsync(number ?? 10);
    return;
}

if (modes.Contains("layers-quick"))
{
    await LayerAllocations.RunAsync();
    return;
}

if (modes.Contains("parse-quick"))
{
    await ParseAllocations.RunAsync();
    return;
}

if (modes.Contains("cost-quick"))
{
    await QuickAllocations.RunAsync();
    return;
}

if (modes.Contains("cost"))
{
    await CostMode.RunAsync(number ?? 20);
    return;
}

if (modes.Contains("callbacks"))
{
    Console.WriteLine("## Requests per run: polling against callbacks (fake time)");
    Console.WriteLine();
    await CallbackEfficiency.RunAsync(number ?? 200);
    Console.WriteLine();
}

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
