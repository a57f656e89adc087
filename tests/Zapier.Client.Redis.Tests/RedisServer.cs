using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Zapier.Client.Redis.Tests;

/// <summary>
/// A real <c>redis-server</c> (from the operating system's packages) on a free loopback port, in its own temporary
/// directory, with no persistence: started by the test, and stopped, frozen or restarted on the same port by it.
/// </summary>
internal sealed class RedisServer : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("zapier-redis-").FullName;
    private Process? _process;

    public RedisServer()
    {
        Port = FreePort();
        try
        {
            Start();
        }
        catch
        {
            Dispose(); // a server that started but never answered is not left running
            throw;
        }
    }

    public int Port { get; }

    /// <summary>The first of <c>redis-server</c> and <c>redis-cli</c> that is not on PATH, or null when both are.</summary>
    internal static string? MissingProgram { get; } = new[] { "redis-server", "redis-cli" }.FirstOrDefault(program =>
        !(Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, program))));

    /// <summary>A StackExchange.Redis configuration string for this server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>Starts the server (again) on <see cref="Port"/> and waits until it answers PING.</summary>
    public void Start()
    {
        if (_process is { } previous)
        {
            Kill();
            previous.Dispose();
            _process = null;
        }

        var info = new ProcessStartInfo("redis-server")
        {
            // stdout is redirected and drained: an inherited pipe would keep a caller that reads it waiting forever.
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--bind", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--save", "", "--appendonly", "no", "--dir", _dir, "--daemonize", "no", "--logfile", Path.Combine(_dir, "redis.log") })
        {
            info.ArgumentList.Add(arg);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!Ping())
        {
            if (_process.HasExited || DateTime.UtcNow > until)
            {
                throw new InvalidOperationException($"redis-server did not answer on port {Port}: {File.ReadAllText(Path.Combine(_dir, "redis.log"))}");
            }

            Thread.Sleep(10); // polling a child process's start, not a test delay
        }
    }

    /// <summary>Kills the server (SIGKILL): its data is gone, as after a crash without persistence.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill();
            p.WaitForExit();
        }
    }

    /// <summary>Freezes (SIGSTOP) or thaws (SIGCONT) the server: connected, but answering nothing, like a very slow one.</summary>
    public void Freeze(bool frozen)
    {
        using var signal = Process.Start("kill", [frozen ? "-STOP" : "-CONT", _process!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        signal!.WaitForExit();
    }

    /// <summary>Sends one command with redis-cli and returns its output.</summary>
    public string Cli(params string[] command)
    {
        var info = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in (string[])["-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. command])
        {
            info.ArgumentList.Add(arg);
        }

        using var cli = Process.Start(info)!;
        var output = cli.StandardOutput.ReadToEnd();
        cli.WaitForExit();
        return output.Trim();
    }

    /// <summary>Client connections the server has open, not counting the redis-cli that asks.</summary>
    public int ClientConnections() =>
        Cli("CLIENT", "LIST").Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => !l.Contains("cmd=client|list", StringComparison.Ordinal));

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            Freeze(false);
        }

        Kill();
        _process?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>A loopback port nobody listens on right now (there is a small race until the server binds it).</summary>
    internal static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private bool Ping()
    {
        try
        {
            using var socket = new TcpClient { ReceiveTimeout = 1000, SendTimeout = 1000 }; // a hung server is retried, not waited on
            socket.Connect(IPAddress.Loopback, Port);
            var stream = socket.GetStream();
            stream.Write("PING\r\n"u8);
            var buffer = new byte[16];
            var read = stream.Read(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return false;
        }
    }
}
