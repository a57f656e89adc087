using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Zapier.Client.Tests.Faults;

/// <summary>
/// A minimal HTTP/1.1 peer on loopback for what WireMock cannot do: reset the connection (TCP RST) after reading a
/// request. Otherwise it writes the scripted answer and closes the connection.
/// </summary>
internal sealed class RawHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<int, FaultAnswer> _answer;
    private readonly CancellationTokenSource _stop = new();
    private int _requests;

    public RawHttpServer(Func<int, FaultAnswer> answer)
    {
        _answer = answer;
        _listener.Start();
        _ = Task.Run(AcceptLoopAsync);
    }

    public Uri BaseUrl => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    public int Requests => Volatile.Read(ref _requests);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            var buffer = new byte[64 * 1024];
            var received = new StringBuilder();
            while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None);
                if (n == 0)
                {
                    return;
                }

                received.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }

            var answer = _answer(Interlocked.Increment(ref _requests) - 1);
            if (answer.Reset)
            {
                socket.LingerState = new LingerOption(true, 0); // close with RST
                return;
            }

            var body = answer.Body ?? [];
            var head = $"HTTP/1.1 {answer.Status} X\r\nContent-Length: {body.Length}\r\nConnection: close\r\n" +
                       (answer.ContentType is null ? string.Empty : $"Content-Type: {answer.ContentType}\r\n") + "\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(head), SocketFlags.None);
            await socket.SendAsync(answer.CutShort ? body.AsMemory(0, 20) : body, SocketFlags.None);
            socket.Shutdown(SocketShutdown.Both);
        }
    }
}
