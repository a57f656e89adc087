using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Zapier.Client.Redis.Tests;

/// <summary>
/// A TCP proxy on loopback in front of a redis-server that passes every reply on a fixed time after it came (a slow
/// Redis that still answers, in order): commands go through at once, replies <c>delay</c> later.
/// </summary>
internal sealed class DelayingProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _upstreamPort;
    private readonly TimeSpan _delay;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _sockets = [];
    private long _replies;

    public DelayingProxy(int upstreamPort, TimeSpan delay)
    {
        _upstreamPort = upstreamPort;
        _delay = delay;
        _listener.Start();
        _ = AcceptAsync();
    }

    /// <summary>A StackExchange.Redis configuration string that goes through the proxy.</summary>
    public string Configuration => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Chunks of replies passed on so far.</summary>
    public long Replies => Interlocked.Read(ref _replies);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_sockets)
        {
            _sockets.ForEach(s => s.Dispose());
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var upstream = new TcpClient();
            await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort);
            lock (_sockets)
            {
                _sockets.Add(client);
                _sockets.Add(upstream);
            }

            _ = PipeAsync(client.GetStream(), upstream.GetStream(), TimeSpan.Zero);
            _ = PipeAsync(upstream.GetStream(), client.GetStream(), _delay);
        }
    }

    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/>, each chunk <paramref name="delay"/> after it was read.</summary>
    private async Task PipeAsync(NetworkStream from, NetworkStream to, TimeSpan delay)
    {
        var chunks = Channel.CreateUnbounded<(long Due, byte[] Data)>();
        var writer = Task.Run(async () =>
        {
            try
            {
                await foreach (var (due, data) in chunks.Reader.ReadAllAsync(_stop.Token))
                {
                    var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                    if (left > TimeSpan.Zero)
                    {
                        await Task.Delay(left, _stop.Token);
                    }

                    await to.WriteAsync(data, _stop.Token);
                    if (delay > TimeSpan.Zero)
                    {
                        Interlocked.Increment(ref _replies);
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
            {
                // the proxy or a side closed
            }
        });

        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                var due = Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency);
                chunks.Writer.TryWrite((due, buffer[..read]));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // the proxy or a side closed
        }

        chunks.Writer.TryComplete();
        await writer;
        to.Close();
    }
}
