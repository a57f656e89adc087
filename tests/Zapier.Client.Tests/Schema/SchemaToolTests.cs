using Newtonsoft.Json.Linq;
using Zapier.Client.Tests.Support;
using Zapier.SchemaTool;

namespace Zapier.Client.Tests.Schema;

/// <summary>
/// The parts of src/Zapier.SchemaTool that `build.ps1 -Target RefreshSchema` and `-Target CheckPublishedSchema` use:
/// the refresh summary (schema, generated files against HEAD, public API from the build), the published form of the schema and the import of a download.
/// </summary>
public sealed class SchemaToolTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("zapier-schematool-").FullName;

    private const string Before = """
        openapi: 3.1.0
        paths:
          /v2/things:
            get:
              operationId: list-things
              parameters:
                - in: query
                  name: kind
                  schema:
                    type: string
                    enum: [big, small]
              responses:
                '200':
                  description: ok
          /v2/old:
            delete:
              operationId: delete-old
              responses:
                '204':
                  description: gone
        components:
          schemas:
            Thing:
              type: object
              properties:
                id: { type: string }
                legacy: { type: string }
            StatusEnum:
              enum: [success, error, waiting]
            Retired:
              type: object
        """;

    private const string After = """
        openapi: 3.1.0
        paths:
          /v2/things:
            get:
              operationId: list-things
              parameters:
                - in: query
                  name: kind
                  schema:
                    type: string
                    enum: [big, small, huge]
              responses:
                '200':
                  description: ok
            post:
              operationId: create-thing
              responses:
                '201':
                  description: created
        components:
          schemas:
            Thing:
              type: object
              properties:
                id: { type: string }
                colour: { type: string, enum: [red, blue] }
            StatusEnum:
              enum: [success, error, waiting, paused]
            Widget:
              type: object
        """;

    [Fact]
    public void The_refresh_summary_lists_what_was_added_and_removed_with_the_generated_files_and_the_public_api()
    {
        var diff = SchemaDiff.Compare(Yaml(Before), Yaml(After));
        var files = new FolderChanges(["generated/Models/Widget.cs", "generated/V2/Things/ThingsPostResponse.cs"], ["generated/V2/Old/OldRequestBuilder.cs"], ["generated/Models/Thing.cs"]);
        var api = new ApiChanges(["Zapier.Client.Generated.Models.Widget", "Zapier.Client.Generated.Models.Widget.Widget() -> void"], ["Zapier.Client.Generated.Models.Thing.Legacy.get -> string?"]);

        var summary = diff.Render(files, api);

        Assert.Equal(
            """
            Schema refresh summary
            Operations added: 1
              POST /v2/things (create-thing)
            Operations removed: 1
              DELETE /v2/old (delete-old)
            Operations changed (parameters, request or responses): 1
              GET /v2/things (list-things)
            Schemas added: 1
              Widget
            Schemas removed: 1
              Retired
            Schemas changed: 2
              StatusEnum
              Thing
            Properties added: 1
              Thing.colour
            Properties removed: 1
              Thing.legacy
            Enum values added: 4
              GET /v2/things parameter kind: huge
              StatusEnum: paused
              Thing.colour: red
              Thing.colour: blue
            Enum values removed: none
            Generated files added (new: git add them): 2
              generated/Models/Widget.cs
              generated/V2/Things/ThingsPostResponse.cs
            Generated files removed: 1
              generated/V2/Old/OldRequestBuilder.cs
            Generated files changed: 1
              generated/Models/Thing.cs
            Public API added: 2
              Zapier.Client.Generated.Models.Widget
              Zapier.Client.Generated.Models.Widget.Widget() -> void
            Public API removed: 1
              Zapier.Client.Generated.Models.Thing.Legacy.get -> string?

            """.ReplaceLineEndings("\n"),
            summary.ReplaceLineEndings("\n"));
        Assert.False(diff.IsEmpty);
        Assert.True(SchemaDiff.Compare(Yaml(After), Yaml(After)).IsEmpty);
    }

    [Fact]
    public void The_generated_files_are_read_from_git_against_head_tracked_and_untracked()
    {
        // git diff --name-status --no-renames HEAD -- generated, then git ls-files --others (as "?<TAB>path").
        var changes = FolderChanges.FromGit([
            "M\tgenerated/Models/Thing.cs",
            "D\tgenerated/V2/Old/OldRequestBuilder.cs",
            "A\tgenerated/Models/Staged.cs",
            "T\tgenerated/Models/Linked.cs",
            "?\tgenerated/V2/Zaps/Item/ZapsItemRequestBuilder.cs",
            "",
        ]);

        Assert.Equal(["generated/Models/Staged.cs", "generated/V2/Zaps/Item/ZapsItemRequestBuilder.cs"], changes.Added);
        Assert.Equal(["generated/V2/Old/OldRequestBuilder.cs"], changes.Removed);
        Assert.Equal(["generated/Models/Linked.cs", "generated/Models/Thing.cs"], changes.Changed);
        Assert.Contains("R100", Assert.ThrowsAny<Exception>(() => FolderChanges.FromGit(["R100\ta.cs\tb.cs"])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_public_api_changes_are_read_from_the_build_output_once_each_symbol_only()
    {
        const string Added = "/r/src/Zapier.Client/Generated/Models/Widget.cs(12,18): warning RS0016: Symbol 'Zapier.Client.Generated.Models.Widget.Colour.get -> string?' is not part of the declared public API (https://github.com/dotnet/roslyn/blob/main/src/RoslynAnalyzers/PublicApiAnalyzers/PublicApiAnalyzers.Help.md) [/r/src/Zapier.Client/Zapier.Client.csproj]";
        const string Removed = "/r/src/Zapier.Client/PublicAPI.Unshipped.txt(40,1): error RS0017: Symbol 'Zapier.Client.Generated.Models.Thing.Legacy.get -> string?' is part of the declared API, but is either not public or could not be found [/r/src/Zapier.Client/Zapier.Client.csproj]";

        var api = ApiChanges.FromBuildOutput([
            "  Zapier.Client -> /r/src/Zapier.Client/bin/Debug/net10.0/Zapier.Client.dll",
            Added,
            Removed,
            Added, // the build prints each diagnostic again in its summary
            "/r/src/Zapier.Client/X.cs(1,1): warning CS1591: Missing XML comment for publicly visible type or member 'X' [/r/x.csproj]",
        ]);

        Assert.Equal(["Zapier.Client.Generated.Models.Widget.Colour.get -> string?"], api.Added);
        Assert.Equal(["Zapier.Client.Generated.Models.Thing.Legacy.get -> string?"], api.Removed);
        Assert.True(ApiChanges.FromBuildOutput(["Build succeeded."]).IsEmpty);
    }

    [Fact]
    public void The_published_form_drops_callback_url_and_opens_the_v1_error_answers()
    {
        var schema = Yaml("""
            openapi: 3.1.0
            paths:
              /v1/apps:
                get:
                  responses:
                    '401':
                      content:
                        application/json:
                          schema: { $ref: '#/components/schemas/ErrorResponse' }
                    '403':
                      content:
                        application/json:
                          schema: { type: object, additionalProperties: {} }
                    '200':
                      content:
                        application/json:
                          schema: { $ref: '#/components/schemas/AppsResponse' }
            components:
              schemas:
                _RunActionRequest:
                  properties:
                    action: { type: string }
                    callback_url: { type: string }
            """);

        var changes = PublishedForm.Derive(schema);

        Assert.Equal(["removed _RunActionRequest.properties.callback_url", "opened 1 v1 error answers (schema: type object, additionalProperties {})"], changes);
        Assert.Equal(["action"], ((JObject)schema.SelectToken("$.components.schemas._RunActionRequest.properties")!).Properties().Select(p => p.Name));
        var open = new JObject { ["type"] = "object", ["additionalProperties"] = new JObject() };
        Assert.True(JToken.DeepEquals(open, schema.SelectToken("$.paths['/v1/apps'].get.responses['401'].content['application/json'].schema")));
        Assert.Equal("#/components/schemas/AppsResponse", (string?)schema.SelectToken("$.paths['/v1/apps'].get.responses['200'].content['application/json'].schema.$ref"));
        Assert.Empty(PublishedForm.Derive(schema)); // a second pass has nothing left to change
    }

    [Fact]
    public void The_corrections_give_one_effective_schema_whether_or_not_upstream_has_callback_url_and_json_api_v1_errors()
    {
        var checkedIn = Load(Path.Combine("openapi", "partner-api.yaml"));
        var published = checkedIn.DeepClone();
        PublishedForm.Derive(published);
        var newer = checkedIn.DeepClone();
        newer.SelectToken("$.components.schemas._RunActionRequest.properties")!["callback_url"] = new JObject { ["type"] = "string" };
        var errorResponse = new JObject { ["$ref"] = "#/components/schemas/ErrorResponse" };
        foreach (var path in PublishedForm.V1Paths)
        {
            foreach (var status in PublishedForm.V1ErrorStatuses)
            {
                newer["paths"]![path]!["get"]!["responses"]![status]!["content"]!["application/json"]!["schema"] = errorResponse.DeepClone();
            }
        }

        // A 401 without content, as a published page shows for /v1/apps, gets ErrorResponse too.
        ((JObject)published["paths"]!["/v1/apps"]!["get"]!["responses"]!["401"]!).Remove("content");

        var expected = Effective(checkedIn);
        Assert.True(JToken.DeepEquals(expected, Effective(published)), "the published form gives another effective schema");
        Assert.True(JToken.DeepEquals(expected, Effective(newer)), "a newer upstream form gives another effective schema");
        using var built = new Newtonsoft.Json.JsonTextReader(new StringReader(File.ReadAllText(RepoPaths.EffectiveSchema))) { DateParseHandling = Newtonsoft.Json.DateParseHandling.None };
        Assert.True(JToken.DeepEquals(expected, JToken.ReadFrom(built)), "the build's effective schema differs");
        Assert.False(JToken.DeepEquals(checkedIn, newer)); // the variants really differ before the corrections
    }

    [Fact]
    public void A_json_download_is_imported_as_yaml_that_reads_back_to_the_same_document()
    {
        var json = Path.Combine(_folder, "schema.json");
        File.WriteAllText(json, """
            {"openapi": "3.1.0", "info": {"title": "T", "version": "2024.11.0", "description": "line one\nline two: yes\n"},
             "paths": {"/v2/x": {"get": {"responses": {"200": {"description": ""}}}}},
             "components": {"schemas": {"S": {"enum": ["true", "null", "1.5", "on", "a: b", "#hash", "- dash"], "default": 2, "maximum": 1.5,
               "nullable": true, "example": null, "x-date": "2024-01-01T00:00:00Z"}}}}
            """);
        var yaml = Path.Combine(_folder, "partner-api.yaml");

        Assert.True(SchemaImport.Import(json, yaml));

        var read = YamlJson.Load(yaml);
        Assert.Equal("\"true\"", read.SelectToken("$.components.schemas.S.enum[0]")!.ToString(Newtonsoft.Json.Formatting.None));
        Assert.Equal(JTokenType.Integer, read.SelectToken("$.components.schemas.S.default")!.Type);
        Assert.Equal("2024-01-01T00:00:00Z", (string?)read.SelectToken("$.components.schemas.S.x-date"));
        Assert.DoesNotContain("{", File.ReadAllText(yaml), StringComparison.Ordinal); // block style, not JSON kept as is
        Assert.False(SchemaImport.Import(json, yaml)); // the same download again changes nothing

        var yamlDownload = Path.Combine(_folder, "download.yaml");
        File.WriteAllText(yamlDownload, "openapi: 3.1.0\n# kept as it came\npaths: {}\n");
        SchemaImport.Import(yamlDownload, yaml);
        Assert.Equal(File.ReadAllText(yamlDownload), File.ReadAllText(yaml));
    }

    [Fact]
    public void A_download_that_is_not_an_openapi_3_document_is_refused_and_the_schema_kept()
    {
        var html = Path.Combine(_folder, "error.yaml");
        File.WriteAllText(html, "message: rate limited\n");
        var yaml = Path.Combine(_folder, "partner-api.yaml");
        File.WriteAllText(yaml, "openapi: 3.1.0\npaths: {}\n");

        var error = Assert.ThrowsAny<Exception>(() => SchemaImport.Import(html, yaml));

        Assert.Equal("SchemaToolException", error.GetType().Name);
        Assert.Contains("not an OpenAPI 3 document", error.Message, StringComparison.Ordinal);
        Assert.Equal("openapi: 3.1.0\npaths: {}\n", File.ReadAllText(yaml));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static JToken Yaml(string text) => YamlJson.Load(new StringReader(text), "test");

    private static JToken Load(string relative) => YamlJson.Load(Path.Combine(RepoPaths.Root, relative));

    /// <summary>What the build writes to obj/openapi/partner-api.effective.json for this schema.</summary>
    private static JToken Effective(JToken schema)
    {
        var copy = schema.DeepClone();
        Corrections.Apply(copy, Load(Path.Combine("openapi", "corrections.overlay.yaml")), "corrections.overlay.yaml");
        return copy;
    }
}
