using System.CommandLine;
using System.Text.Json.Nodes;
using Microsoft.Kiota.Abstractions.Serialization;
using Zapier.Client;
using Zapier.Client.Generated.Models;

namespace Zapier.Cli;

/// <summary><c>zapier apps list</c>, <c>zapier actions list</c> and <c>zapier authentications list</c>, on the client's item streams.</summary>
internal static class ListCommands
{
    public static Command Apps(CliHost host, GlobalOptions globals)
    {
        var query = new Option<string>("--query") { Description = "Only apps matching this text.", HelpName = "TEXT" };
        var max = new Option<int?>("--max") { Description = "Stop after this many apps.", HelpName = "N" };
        max.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is <= 0)
            {
                r.AddError("--max must be at least 1.");
            }
        });
        var json = JsonOutput.CreateOption();
        var list = new Command("list", "List apps: id and title.") { query, max, json };
        list.SetAction((parse, ct) => CommandRunner.RunAsync(parse, host, globals, parse.GetValue(json), (scope, token) =>
        {
            var text = parse.GetValue(query);
            var items = scope.Connection.Client.V2.Apps.ListAsync(
                q => q.Query = text, new ZapierListOptions { MaxItems = parse.GetValue(max) }, token);
            return WriteAsync(scope, items, app => $"{app.Id}\t{app.Title}", token);
        }, ct));
        return new Command("apps", "Apps available to run actions in.") { list };
    }

    public static Command Actions(CliHost host, GlobalOptions globals)
    {
        var app = App();
        var type = new Option<string>("--type") { Description = "Only read or only write actions.", HelpName = "read|write" };
        type.AcceptOnlyFromAmong("read", "write");
        var json = JsonOutput.CreateOption();
        var list = new Command("list", "List an app's actions: id, type and title.") { app, type, json };
        list.SetAction((parse, ct) => CommandRunner.RunAsync(parse, host, globals, parse.GetValue(json), async (scope, token) =>
        {
            var client = scope.Connection.Client;
            var appId = await ResolveAppAsync(client, parse.GetValue(app)!, token).ConfigureAwait(false);
            ActionType? actionType = parse.GetValue(type) switch
            {
                "read" => ActionType.Read,
                "write" => ActionType.Write,
                _ => null,
            };
            var items = client.V2.Actions.ListAsync(q =>
            {
                q.App = appId;
                q.ActionType = actionType;
            }, token);
            return await WriteAsync(scope, items, a => $"{a.Id}\t{a.ActionType}\t{a.Title}", token).ConfigureAwait(false);
        }, ct));
        return new Command("actions", "Actions of an app.") { list };
    }

    public static Command Authentications(CliHost host, GlobalOptions globals)
    {
        var app = App();
        var json = JsonOutput.CreateOption();
        var list = new Command("list", "List your authentications (connected accounts) for an app: id and title.") { app, json };
        list.SetAction((parse, ct) => CommandRunner.RunAsync(parse, host, globals, parse.GetValue(json), async (scope, token) =>
        {
            var client = scope.Connection.Client;
            var appId = await ResolveAppAsync(client, parse.GetValue(app)!, token).ConfigureAwait(false);
            var items = client.V2.Authentications.ListAsync(q => q.App = appId, token);
            return await WriteAsync(scope, items, a => $"{a.Id}\t{a.Title}{(a.IsExpired == true ? "\t(expired)" : "")}", token).ConfigureAwait(false);
        }, ct));
        return new Command("authentications", "Authentications (connected accounts).") { list };
    }

    private static Option<string> App() => new("--app")
    {
        Description = "The app: its id, or its title as 'zapier apps list' shows it.",
        HelpName = "APP",
        Required = true,
    };

    /// <summary>
    /// The app's id: <paramref name="app"/> itself when it is one, else the one app whose title it is (the API filters
    /// actions and authentications by id only).
    /// </summary>
    private static async Task<Guid> ResolveAppAsync(ZapierClient client, string app, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(app, out var id))
        {
            return id;
        }

        var matches = new List<Guid>();
        await foreach (var candidate in client.V2.Apps.ListAsync(q => q.Query = app, cancellationToken).ConfigureAwait(false))
        {
            if (string.Equals(candidate.Title, app, StringComparison.OrdinalIgnoreCase) && Guid.TryParse(candidate.Id, out var candidateId))
            {
                matches.Add(candidateId);
            }
        }

        return matches.Distinct().ToList() switch
        {
            [var only] => only,
            [] => throw new UsageException($"No app is titled '{app}'; 'zapier apps list --query {app}' shows the apps and their ids."),
            _ => throw new UsageException($"Several apps are titled '{app}'; pass one's id ('zapier apps list --query {app}' shows them)."),
        };
    }

    private static async Task<int> WriteAsync<T>(CommandScope scope, IAsyncEnumerable<T> items, Func<T, string> line, CancellationToken cancellationToken)
        where T : IParsable
    {
        // With --json nothing is printed until the stream has ended, so a failure part-way prints one document, not two.
        var array = new JsonArray();
        await foreach (var item in items.ConfigureAwait(false))
        {
            if (scope.Json)
            {
                array.Add(await JsonOutput.ModelAsync(item, cancellationToken).ConfigureAwait(false));
            }
            else
            {
                scope.Output.WriteLine(line(item));
            }
        }

        if (scope.Json)
        {
            JsonOutput.Write(scope.Output, array);
        }

        return ExitCodes.Success;
    }
}
