using System.Text;

// A Kestrel server on a free loopback port that answers GET /v2/action-runs/{id} with a small finished run.
// It prints its base URL as the first line on stdout, then runs until stdin closes (the benchmark that started it
// exits or dies) or it is stopped with Ctrl+C.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.UseUrls("http://127.0.0.1:0");

var app = builder.Build();
var body = Encoding.UTF8.GetBytes("""{"data":{"type":"run","status":"success","results":[{"id":123}],"errors":[]}}""");
app.MapGet("/v2/action-runs/{id}", () => Results.Bytes(body, "application/json"));

await app.StartAsync();
// Once started, Urls holds the bound address with the port Kestrel picked.
Console.WriteLine(app.Urls.Single());
Console.Out.Flush();

var stdinClosed = Task.Run(() => Console.In.ReadToEnd());
await Task.WhenAny(stdinClosed, app.WaitForShutdownAsync());
await app.StopAsync();
