namespace Zapier.SchemaTool;

/// <summary>A failure the build must report and stop on; the message names what to fix.</summary>
internal sealed class SchemaToolException(string message) : Exception(message);
