using System.Diagnostics;
using System.Reflection;

namespace Zapier.Client.Benchmarks.Cost;

/// <summary>
/// The loopback Kestrel server (Zapier.Client.Benchmarks.Server) running as a child process. It prints its URL on
/// its first stdout line and exits when its stdin closes, so it also goes away if this process dies.
/// </summary>
internal sealed class CostServer : IDisposable
{
    /// <summary>How the benchmark processes BenchmarkDotNet starts (which inherit the environment) find the server.</summary>
    public const string UrlVariable = "ZAPIER_BENCHMARK_COST_URL";

    private readonly Process _process;

    private CostServer(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    /// <summary>The URL set by the <c>cost</c> mode, for code that runs in a benchmark process.</summary>
    public static Uri UrlFromEnvironment() =>
        Uri.TryCreate(Environment.GetEnvironmentVariable(UrlVariable), UriKind.Absolute, out var url)
            ? url
            : throw new InvalidOperationException($"{UrlVariable} is not set; run these benchmarks through the 'cost' mode, which starts the server.");

    public static async Task<CostServer> StartAsync()
    {
        var dll = typeof(CostServer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "CostServerPath").Value!;
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("The benchmark server is not built; build the benchmarks project, which builds it.", dll);
        }

        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        start.ArgumentList.Add(dll);
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the benchmark server.");
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            return Uri.TryCreate(line, UriKind.Absolute, out var url)
                ? new CostServer(process, url)
                : throw new InvalidOperationException($"The benchmark server printed '{line}' instead of its URL.");
        }
        catch
        {
            Stop(process);
            throw;
        }
    }

    public void Dispose() => Stop(_process);

    private static void Stop(Process process)
    {
        try
        {
            // Closing stdin asks the server to stop; kill it if it has not within a few seconds.
            process.StandardInput.Close();
            if (!process.WaitForExit(5000))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        finally
        {
            process.Dispose();
        }
    }
}
