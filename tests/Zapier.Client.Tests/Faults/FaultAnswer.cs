using System.IO.Compression;
using System.Text;
using WireMock;
using WireMock.ResponseBuilders;
using WireMock.Types;
using WireMock.Util;

namespace Zapier.Client.Tests.Faults;

/// <summary>What the stub does for one attempt of a fault scenario.</summary>
internal sealed record FaultAnswer(int Status, byte[]? Body = null, string? ContentType = "application/json", (string Name, string Value)[]? Headers = null)
{
    public const string RunJson = """{"data":{"type":"run","status":"success","results":[{"id":1}],"errors":[]}}""";

    /// <summary>Hold the request until the test releases it (a response slower than the attempt timeout).</summary>
    public bool Block { get; init; }

    /// <summary>Reset the connection after reading the request (served by <see cref="RawHttpServer"/>).</summary>
    public bool Reset { get; init; }

    public static FaultAnswer ConnectionReset => new(0) { Reset = true };

    /// <summary>Announce the whole run in Content-Length, send its first 20 bytes, then close (served by <see cref="RawHttpServer"/>).</summary>
    public bool CutShort { get; init; }

    public static FaultAnswer BodyCutShort => new(200, Encoding.UTF8.GetBytes(RunJson)) { CutShort = true };

    /// <summary>A WireMock transport fault instead of a response.</summary>
    public FaultType? Fault { get; init; }

    public static FaultAnswer Ok(string json = RunJson) => new(200, Encoding.UTF8.GetBytes(json));

    /// <summary>A JSON answer as a WireMock response, for stubs that answer from a callback.</summary>
    public static ResponseMessage Message(int status, string json) => Json(status, json).ToResponse();

    public static FaultAnswer Json(int status, string json, params (string Name, string Value)[] headers) => new(status, Encoding.UTF8.GetBytes(json), Headers: headers);

    public static FaultAnswer Error(int status, params (string Name, string Value)[] headers) =>
        Json(status, $$"""{"errors":[{"status":{{status}},"code":"e{{status}}","title":"T{{status}}","detail":"D{{status}}."}]}""", headers);

    public static FaultAnswer Text(int status, string contentType, string text) => new(status, Encoding.UTF8.GetBytes(text), contentType);

    public static FaultAnswer Broken(FaultType fault) => new(200) { Fault = fault };

    public static FaultAnswer Slow => new(200, Encoding.UTF8.GetBytes(RunJson)) { Block = true };

    public static FaultAnswer Gzip(string json)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(json));
        }

        return new FaultAnswer(200, buffer.ToArray(), Headers: [("Content-Encoding", "gzip")]);
    }

    public ResponseMessage ToResponse()
    {
        var message = new ResponseMessage { StatusCode = Status, Headers = new Dictionary<string, WireMockList<string>>() };
        if (Fault is { } fault)
        {
            message.FaultType = fault;
            return message;
        }

        if (ContentType is not null)
        {
            message.Headers["Content-Type"] = new WireMockList<string>(ContentType);
        }

        foreach (var (name, value) in Headers ?? [])
        {
            message.Headers[name] = new WireMockList<string>(value);
        }

        if (Body is not null)
        {
            message.BodyData = new BodyData { BodyAsBytes = Body, DetectedBodyType = BodyType.Bytes };
        }

        return message;
    }
}
